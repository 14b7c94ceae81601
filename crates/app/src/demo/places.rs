//! Where the demo's people live and when they were born: cities by country with postal codes
//! written as each country writes them (Spain's and Mexico's five-digit códigos postales,
//! the US five-digit ZIP, Argentina's four-digit legacy code, Colombia's six digits), and
//! birthdays. Without these the duplicate finder has only names to go on, and a common name
//! says little.
use super::people::Lcg;

/// A city and its postal codes: `first + step * k` for `k` below `count`, zero-padded to
/// `digits` (Barcelona's 08001). The ranges are the real ones, roughly.
#[derive(Clone, Copy)]
pub(super) struct City {
    pub name: &'static str,
    first: u32,
    count: u32,
    step: u32,
    digits: usize,
}

const fn city(name: &'static str, first: u32, count: u32, step: u32, digits: usize) -> City {
    City {
        name,
        first,
        count,
        step,
        digits,
    }
}

/// (country, cities, share of rows in 20ths).
pub(super) const PLACES: [(&str, [City; 4], u64); 5] = [
    (
        "ES",
        [
            city("Madrid", 28_001, 55, 1, 5),
            city("Barcelona", 8_001, 42, 1, 5),
            city("Sevilla", 41_001, 20, 1, 5),
            city("Bilbao", 48_001, 15, 1, 5),
        ],
        9,
    ),
    (
        "MX",
        [
            // Mexico City's codes run 01000–16999, by tens within a neighbourhood.
            city("Ciudad de México", 1_000, 1_600, 10, 5),
            city("Guadalajara", 44_100, 90, 10, 5),
            city("Monterrey", 64_000, 100, 10, 5),
            city("Puebla", 72_000, 60, 10, 5),
        ],
        4,
    ),
    (
        "AR",
        [
            city("Buenos Aires", 1_000, 500, 1, 4),
            city("Córdoba", 5_000, 23, 1, 4),
            city("Rosario", 2_000, 14, 1, 4),
            city("Mendoza", 5_500, 16, 1, 4),
        ],
        2,
    ),
    (
        "CO",
        [
            city("Bogotá", 110_110, 160, 10, 6),
            city("Medellín", 50_001, 41, 1, 6),
            city("Cali", 760_001, 46, 1, 6),
            city("Barranquilla", 80_001, 20, 1, 6),
        ],
        2,
    ),
    (
        "US",
        [
            city("New York", 10_001, 282, 1, 5),
            city("Miami", 33_101, 99, 1, 5),
            city("Austin", 78_701, 59, 1, 5),
            city("Los Angeles", 90_001, 89, 1, 5),
        ],
        3,
    ),
];

/// Shares in percent: about what a CRM fed by web forms and shop tills holds. A postal code
/// is asked at checkout and for invoices; a birthday only by loyalty schemes.
const WITH_POSTCODE: u64 = 70;
const WITH_BIRTHDAY: u64 = 55;

impl City {
    /// A postal code of the city for 70% of people, else empty.
    pub fn postcode(&self, r: &mut Lcg) -> String {
        if r.next(100) as u64 >= WITH_POSTCODE {
            return String::new();
        }
        let code = self.first + self.step * r.next(u64::from(self.count)) as u32;
        format!("{code:0width$}", width = self.digits)
    }
}

/// A birthday (ISO, as the importer reads it) between 1945 and 2006 for 55% of people.
pub(super) fn birthday(r: &mut Lcg) -> String {
    if r.next(100) as u64 >= WITH_BIRTHDAY {
        return String::new();
    }
    let year = 1945 + r.next(62) as i32;
    let ordinal = 1 + r.next(365) as u16;
    time::Date::from_ordinal_date(year, ordinal)
        .map(|d| d.to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postal_codes_look_like_each_countrys() {
        let mut r = Lcg(1);
        let codes: Vec<(String, String)> = (0..2_000)
            .flat_map(|_| {
                PLACES
                    .iter()
                    .flat_map(|(country, cities, _)| cities.iter().map(move |c| (*country, c)))
                    .map(|(country, c)| (country.to_owned(), c.postcode(&mut r)))
                    .collect::<Vec<_>>()
            })
            .filter(|(_, code)| !code.is_empty())
            .collect();
        for (country, code) in &codes {
            let len = match country.as_str() {
                "AR" => 4,
                "CO" => 6,
                _ => 5,
            };
            assert_eq!(code.len(), len, "{country} {code}");
            assert!(code.bytes().all(|b| b.is_ascii_digit()), "{code}");
        }
        assert!(codes
            .iter()
            .any(|(c, code)| c == "ES" && code.starts_with("080")));
        let share = codes.len() as f64 / (2_000.0 * 20.0);
        assert!((0.6..0.8).contains(&share), "{share}");
    }

    #[test]
    fn birthdays_are_iso_dates_of_adults_for_about_half() {
        let mut r = Lcg(9);
        let days: Vec<String> = (0..1_000).map(|_| birthday(&mut r)).collect();
        let known: Vec<&String> = days.iter().filter(|d| !d.is_empty()).collect();
        assert!((450..650).contains(&known.len()), "{}", known.len());
        for d in known {
            let year: i32 = d[..4].parse().unwrap_or(0);
            assert!((1945..=2006).contains(&year), "{d}");
            assert_eq!(d.len(), 10, "{d}");
        }
    }
}
