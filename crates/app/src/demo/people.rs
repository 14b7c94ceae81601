//! Generated people for demos and benchmarks, as the CSV a company would export from its old
//! CRM: Spanish and English names with accents, e-mails, phones written the way each country
//! writes them (Spain, Mexico, Argentina, Colombia, the US), cities, companies with job titles,
//! stages and tags. Deterministic for a seed, unique keys per row, and produced on demand as a
//! `Read`, so a million rows never sit in memory. A "messy" file also has what real exports
//! have: a bad e-mail now and then, unparseable phones, and people listed twice.
use std::io::Read;

pub(super) const GIVEN: [&str; 32] = [
    "José",
    "María",
    "Lucía",
    "Javier",
    "Carmen",
    "Andrés",
    "Sofía",
    "Martín",
    "Valentina",
    "Diego",
    "Camila",
    "Mateo",
    "Isabella",
    "Sebastián",
    "Ana",
    "Pablo",
    "Elena",
    "Jorge",
    "Laura",
    "Miguel",
    "Begoña",
    "Íñigo",
    "Ramón",
    "Agustín",
    "Inés",
    "John",
    "Emily",
    "Michael",
    "Sarah",
    "David",
    "Jessica",
    "Chloé",
];
pub(super) const FAMILY: [&str; 32] = [
    "García",
    "Martínez",
    "López",
    "Sánchez",
    "Pérez",
    "González",
    "Rodríguez",
    "Fernández",
    "Gómez",
    "Díaz",
    "Núñez",
    "Ortiz",
    "Ramírez",
    "Torres",
    "Flores",
    "Rivera",
    "Morales",
    "Castillo",
    "Jiménez",
    "Ruiz",
    "Muñoz",
    "Álvarez",
    "Peña",
    "Ibáñez",
    "Echeverría",
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "O'Connor",
    "Müller",
    "Dubois",
];
pub(super) const TAGS: [&str; 6] = ["VIP", "Madrid", "Online", "Tienda", "B2B", "Newsletter"];
pub(super) const TITLES: [&str; 6] = [
    "Directora de compras",
    "Gerente general",
    "Responsable de TI",
    "Office manager",
    "Jefe de almacén",
    "Contable",
];
const COMPANY_A: [&str; 10] = [
    "Grupo",
    "Comercial",
    "Industrias",
    "Distribuidora",
    "Talleres",
    "Servicios",
    "Hermanos",
    "Global",
    "Consultora",
    "Transportes",
];
const COMPANY_B: [&str; 20] = [
    "Andina",
    "Ibérica",
    "del Sur",
    "Atlántico",
    "Pacífico",
    "Norte",
    "Sierra",
    "Valle",
    "Río",
    "Mar",
    "Sol",
    "Luna",
    "Roble",
    "Olivo",
    "Cóndor",
    "Puma",
    "Quetzal",
    "Ceiba",
    "Nogal",
    "Almendro",
];
const COMPANY_C: [&str; 6] = ["S.L.", "S.A.", "S.A. de C.V.", "S.R.L.", "S.A.S.", "Ltda."];
/// (country, cities): where people live, by the share of rows in 20ths.
const PLACES: [(&str, [&str; 4], u64); 5] = [
    ("ES", ["Madrid", "Barcelona", "Sevilla", "Bilbao"], 9),
    (
        "MX",
        ["Ciudad de México", "Guadalajara", "Monterrey", "Puebla"],
        4,
    ),
    ("AR", ["Buenos Aires", "Córdoba", "Rosario", "Mendoza"], 2),
    ("CO", ["Bogotá", "Medellín", "Cali", "Barranquilla"], 2),
    ("US", ["New York", "Miami", "Austin", "Los Angeles"], 3),
];
const STAGES: [&str; 5] = ["prospect", "lead", "customer", "inactive", "churned"];

/// A small deterministic generator (a 64-bit LCG), so the same seed gives the same people.
pub(super) struct Lcg(pub u64);

impl Lcg {
    pub fn next(&mut self, n: u64) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n.max(1)) as usize
    }
}

/// The demo organisations of `seed` come first in the companies list, so demo people link to
/// them; the rest are generated ("Grupo Andina S.L.").
fn company(i: usize, demo: &[&str]) -> String {
    if i < demo.len() {
        return demo[i].to_owned();
    }
    let j = i - demo.len();
    format!(
        "{} {} {}",
        COMPANY_A[j % COMPANY_A.len()],
        COMPANY_B[(j / COMPANY_A.len()) % COMPANY_B.len()],
        COMPANY_C[(j / (COMPANY_A.len() * COMPANY_B.len())) % COMPANY_C.len()]
    )
}

/// `n` people as CSV, generated while it is read.
pub struct DemoCsv {
    rng: Lcg,
    rows: u64,
    next: u64,
    messy: bool,
    companies: Vec<&'static str>,
    buf: Vec<u8>,
    pos: usize,
    /// The last rows' e-mails, for the messy file's repeated people.
    recent: std::collections::VecDeque<String>,
}

impl DemoCsv {
    pub fn new(rows: u64, seed: u64, messy: bool) -> DemoCsv {
        let header = "First Name,Last Name,Email,Phone,Company,Job Title,City,Country,Lifecycle Stage,Tags,External ID,Plan,Valor del contrato,Canales,Cliente desde,Cliente VIP\n";
        DemoCsv {
            rng: Lcg(seed),
            rows,
            next: 0,
            messy,
            companies: super::ORGS.iter().map(|o| o.0).collect(),
            buf: header.as_bytes().to_vec(),
            pos: 0,
            recent: std::collections::VecDeque::new(),
        }
    }

    /// One row (its fields never hold a comma or a quote, so no quoting is needed).
    fn row(&mut self, i: u64) -> String {
        let r = &mut self.rng;
        let given = GIVEN[r.next(GIVEN.len() as u64)];
        let family = FAMILY[r.next(FAMILY.len() as u64)];
        let ascii = |s: &str| {
            vinculo_domain::customers::search::fold(s)
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .collect::<String>()
        };
        let mut share = r.next(20) as u64;
        let (country, cities, _) = PLACES
            .iter()
            .find(|(_, _, s)| {
                let hit = share < *s;
                share = share.saturating_sub(*s);
                hit
            })
            .copied()
            .unwrap_or(PLACES[0]);
        let city = cities[r.next(4)];
        // Unique per row: the row number is in every number, written as each country does.
        let n = i % 10_000_000;
        let phone = match country {
            "ES" => format!(
                "6{:02} {:02} {:02} {:02}",
                n / 1_000_000 % 100,
                n / 10_000 % 100,
                n / 100 % 100,
                n % 100
            ),
            "MX" => format!("55 {:04} {:04}", n / 10_000 % 10_000, n % 10_000),
            "AR" => format!("(011) 4{:03}-{:04}", n / 10_000 % 1000, n % 10_000),
            "CO" => format!("300 {:07}", n),
            _ => format!(
                "({}) 3{:02}-{:04}",
                [212, 305, 512, 213][r.next(4)],
                n / 10_000 % 100,
                n % 10_000
            ),
        };
        let domain = ["example.es", "example.com", "example.mx", "example.org"][r.next(4)];
        let mut email = format!("{}.{}{i}@{domain}", ascii(given), ascii(family));
        let (mut phone, mut given_out) = (phone, given.to_owned());
        if self.messy {
            match r.next(100) {
                0 => email = email.replace('@', " at "),
                1 => phone = "n/a".into(),
                // Someone already listed, again under a shortened name: an update, not a
                // new customer.
                2 if self.recent.len() > 7 => {
                    email = self.recent[self.recent.len() - 7].clone();
                    phone = String::new();
                    given_out = given.chars().take(1).collect::<String>() + ".";
                }
                _ => {}
            }
        }
        if self.messy {
            self.recent.push_back(email.clone());
            if self.recent.len() > 16 {
                self.recent.pop_front();
            }
        }
        let r = &mut self.rng;
        let (org, title) = if r.next(3) == 0 {
            let c = company(r.next(2_000 + self.companies.len() as u64), &self.companies);
            (c, TITLES[r.next(TITLES.len() as u64)].to_owned())
        } else {
            (String::new(), String::new())
        };
        let tags: Vec<&str> = (0..r.next(3))
            .map(|_| TAGS[r.next(TAGS.len() as u64)])
            .collect();
        let stage = STAGES[r.next(STAGES.len() as u64)];
        // Custom fields (see `super::FIELDS`): customers have a plan and a contract value,
        // most people the channels they use and the year they became customers.
        let paying = stage == "customer" || r.next(4) == 0;
        let plan = if paying {
            ["Oro", "Plata", "Plata", "Bronce", "Bronce", "Bronce"][r.next(6)]
        } else {
            ""
        };
        let value = if paying {
            format!("{}.{:02}", 100 + r.next(20_000) * 5, r.next(4) * 25)
        } else {
            String::new()
        };
        let channels: Vec<&str> = ["Web", "Tienda", "Teléfono", "App"]
            .into_iter()
            .filter(|_| r.next(3) == 0)
            .collect();
        let since = if paying {
            format!(
                "{}-{:02}-{:02}",
                2012 + r.next(14),
                1 + r.next(12),
                1 + r.next(28)
            )
        } else {
            String::new()
        };
        let vip = if plan == "Oro" && r.next(2) == 0 {
            "sí"
        } else {
            ""
        };
        format!(
            "{given_out},{family},{email},{phone},{org},{title},{city},{country},{stage},{},erp:C-{i:07},{plan},{value},{},{since},{vip}\n",
            tags.join(";"),
            channels.join(";"),
        )
    }
}

impl Read for DemoCsv {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.pos == self.buf.len() {
            self.buf.clear();
            self.pos = 0;
            while self.buf.len() < 64 * 1024 && self.next < self.rows {
                let i = self.next;
                self.next += 1;
                let row = self.row(i);
                self.buf.extend_from_slice(row.as_bytes());
            }
        }
        let n = out.len().min(self.buf.len() - self.pos);
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(rows: u64, seed: u64, messy: bool) -> String {
        let mut s = String::new();
        DemoCsv::new(rows, seed, messy)
            .read_to_string(&mut s)
            .expect("read");
        s
    }

    #[test]
    fn the_same_seed_gives_the_same_people_and_rows_are_unique() {
        let a = text(500, 7, false);
        assert_eq!(a, text(500, 7, false));
        assert_ne!(a, text(500, 8, false));
        let lines: Vec<&str> = a.lines().collect();
        assert_eq!(lines.len(), 501);
        let emails: std::collections::HashSet<&str> = lines[1..]
            .iter()
            .filter_map(|l| l.split(',').nth(2))
            .collect();
        assert_eq!(emails.len(), 500);
    }
}
