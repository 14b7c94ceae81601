//! Generated people for demos and benchmarks, as the CSV a company would export from its old
//! CRM: Spanish and English names with accents, e-mails, phones written the way each country
//! writes them (Spain, Mexico, Argentina, Colombia, the US), cities and postal codes,
//! birthdays, companies with job titles, stages and tags. Deterministic for a seed, unique
//! keys per row, and produced on demand as a `Read`, so a million rows never sit in memory.
//! About 3 rows in 100 are near-duplicates of an earlier person ([`near_duplicates`]). A
//! "messy" file also has what real exports have: a bad e-mail now and then, unparseable
//! phones, and people listed twice.
use super::names::{COMPANY_A, COMPANY_B, COMPANY_C, FAMILY, GIVEN, TAGS, TITLES};
use super::near_duplicates::{self, near_duplicate, DOMAINS};
use super::places::{self, PLACES};
use std::io::Read;

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

/// One generated person, as the columns of its row.
#[derive(Clone, Debug, Default)]
pub(super) struct Person {
    pub given: String,
    pub family: String,
    pub email: String,
    pub phone: String,
    pub org: String,
    pub title: String,
    pub city: &'static str,
    pub country: &'static str,
    pub stage: &'static str,
    pub tags: String,
    pub external_id: String,
    pub plan: &'static str,
    pub value: String,
    pub channels: String,
    pub since: String,
    pub vip: &'static str,
    /// ISO date or empty.
    pub birthday: String,
    pub postcode: String,
}

impl Person {
    /// The row (its fields never hold a comma or a quote, so no quoting is needed).
    fn row(&self) -> String {
        let p = self;
        format!(
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
            p.given,
            p.family,
            p.email,
            p.phone,
            p.org,
            p.title,
            p.city,
            p.country,
            p.stage,
            p.tags,
            p.external_id,
            p.plan,
            p.value,
            p.channels,
            p.since,
            p.vip,
            p.birthday,
            p.postcode
        )
    }
}

/// `n` people as CSV, generated while it is read.
pub struct DemoCsv {
    rng: Lcg,
    /// Draws birthdays, postal codes and near-duplicates: a second stream, so the other
    /// columns of a seed's people are what they were before these columns existed.
    extra: Lcg,
    rows: u64,
    next: u64,
    messy: bool,
    companies: Vec<&'static str>,
    buf: Vec<u8>,
    pos: usize,
    /// The last rows' e-mails, for the messy file's repeated people.
    recent: std::collections::VecDeque<String>,
    /// People to be typed in again, and the row at which each comes.
    again: Vec<(u64, Person)>,
    /// Rows that are near-duplicates of an earlier row.
    near_duplicates: u64,
}

impl DemoCsv {
    pub fn new(rows: u64, seed: u64, messy: bool) -> DemoCsv {
        let header = "First Name,Last Name,Email,Phone,Company,Job Title,City,Country,Lifecycle Stage,Tags,External ID,Plan,Valor del contrato,Canales,Cliente desde,Cliente VIP,Birthday,Postal Code\n";
        DemoCsv {
            rng: Lcg(seed),
            extra: Lcg(seed ^ 0x005e_edd0_b1e5),
            rows,
            next: 0,
            messy,
            companies: super::ORGS.iter().map(|o| o.0).collect(),
            buf: header.as_bytes().to_vec(),
            pos: 0,
            recent: std::collections::VecDeque::new(),
            again: Vec::new(),
            near_duplicates: 0,
        }
    }

    /// Rows generated so far that are near-duplicates of an earlier row.
    pub fn near_duplicates(&self) -> u64 {
        self.near_duplicates
    }

    /// Row `i`: a new person, or one met a few rows before typed in again. The new person is
    /// drawn either way, so the rows that follow are the same whatever came before.
    fn row(&mut self, i: u64) -> String {
        let fresh = self.person(i);
        let x = &mut self.extra;
        if x.next(100) < near_duplicates::PERCENT {
            let due = i + 1 + x.next(near_duplicates::WITHIN as u64) as u64;
            self.again.push((due, fresh.clone()));
        }
        let Some(at) = self.again.iter().position(|(due, _)| *due <= i) else {
            return fresh.row();
        };
        let (_, orig) = self.again.swap_remove(at);
        let mut d = near_duplicate(&orig, &mut self.extra);
        d.external_id = fresh.external_id;
        self.near_duplicates += 1;
        d.row()
    }

    /// A new person for row `i`.
    fn person(&mut self, i: u64) -> Person {
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
        let postcode = city.postcode(&mut self.extra);
        let birthday = places::birthday(&mut self.extra);
        let r = &mut self.rng;
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
        let domain = DOMAINS[r.next(4)];
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
        Person {
            given: given_out,
            family: family.to_owned(),
            email,
            phone,
            org,
            title,
            city: city.name,
            country,
            stage,
            tags: tags.join(";"),
            external_id: format!("erp:C-{i:07}"),
            plan,
            value,
            channels: channels.join(";"),
            since,
            vip,
            birthday,
            postcode,
        }
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
        // Identity keys are unique, or the importer would fold rows together. Near-duplicates
        // have no phone, and some no e-mail.
        for column in [2, 3, 10] {
            let values: Vec<&str> = lines[1..]
                .iter()
                .filter_map(|l| l.split(',').nth(column))
                .filter(|v| !v.is_empty())
                .collect();
            let unique: std::collections::HashSet<&str> = values.iter().copied().collect();
            assert_eq!(unique.len(), values.len(), "column {column}");
            assert!(values.len() > 450, "column {column}: {}", values.len());
        }
    }

    #[test]
    fn a_few_rows_are_near_duplicates_with_birthdays_and_postal_codes_the_importer_reads() {
        use vinculo_domain::customers::import::Field;
        let mut csv = DemoCsv::new(2_000, 11, false);
        let mut s = String::new();
        csv.read_to_string(&mut s).expect("read");
        assert!(
            (30..=100).contains(&csv.near_duplicates()),
            "{}",
            csv.near_duplicates()
        );
        let header: Vec<&str> = s.lines().next().unwrap_or_default().split(',').collect();
        assert_eq!(Field::recognise(header[16]), Some(Field::Birthday));
        assert_eq!(Field::recognise(header[17]), Some(Field::PostalCode));
        let rows: Vec<Vec<&str>> = s.lines().skip(1).map(|l| l.split(',').collect()).collect();
        let with = |c: usize| rows.iter().filter(|r| !r[c].is_empty()).count();
        assert!((900..1_300).contains(&with(16)), "birthdays: {}", with(16));
        assert!(
            (1_200..1_600).contains(&with(17)),
            "postal codes: {}",
            with(17)
        );
    }
}
