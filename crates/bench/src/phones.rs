//! Phone normalisation cost: `normalize_phone` (libphonenumber metadata via the `phonenumber`
//! crate) on realistic numbers from five countries in the spellings people type, against the
//! baseline of merely extracting the digits. Import throughput is bounded by this figure.
use std::time::Instant;
use vinculo_domain::identity::{normalize_phone, Region};

/// A deterministic generator (64-bit LCG), so every run parses the same numbers.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

/// (number as typed, region of the workspace that reads it).
fn dataset(n: usize) -> Vec<(String, Region)> {
    let mut rng = Lcg(42);
    let region = |c: &str| Region::parse(c).unwrap_or(Region::ES);
    (0..n)
        .map(|i| {
            let r = rng.next();
            let digits =
                |k: u64| format!("{:0width$}", r % 10u64.pow(k as u32), width = k as usize);
            match i % 8 {
                0 => (
                    format!(
                        "6{} {} {} {}",
                        &digits(8)[..2],
                        &digits(8)[2..4],
                        &digits(8)[4..6],
                        &digits(8)[6..8]
                    ),
                    region("ES"),
                ),
                1 => (format!("+34 6{}", digits(8)), region("ES")),
                2 => (format!("00346{}", digits(8)), region("ES")),
                3 => (
                    format!("55 {} {}", &digits(8)[..4], &digits(8)[4..]),
                    region("MX"),
                ),
                4 => (format!("(201) 555-{}", digits(4)), region("US")),
                5 => (
                    format!("(011) 4{}-{}", &digits(7)[..3], &digits(7)[3..]),
                    region("AR"),
                ),
                6 => (format!("300 {}", digits(7)), region("CO")),
                _ => (format!("+1 212 555 {}", digits(4)), region("ES")),
            }
        })
        .collect()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

pub fn run(n: usize, reps: usize) -> String {
    let data = dataset(n);
    let mut baseline = Vec::new();
    let mut parsed = Vec::new();
    let mut valid = 0;
    for _ in 0..reps.max(1) {
        let t = Instant::now();
        let mut sink = 0usize;
        for (raw, _) in &data {
            sink += raw.chars().filter(char::is_ascii_digit).count();
        }
        baseline.push(t.elapsed().as_nanos() as f64 / n as f64);
        std::hint::black_box(sink);
        let t = Instant::now();
        valid = 0;
        for (raw, region) in &data {
            if normalize_phone(raw, *region).is_ok() {
                valid += 1;
            }
        }
        parsed.push(t.elapsed().as_nanos() as f64 / n as f64);
    }
    let (b, p) = (median(baseline), median(parsed));
    format!(
        "## phones: normalize_phone (libphonenumber metadata) on one core\n\
         dataset: {n} numbers from ES, MX, US, AR, CO in 8 typed spellings; {valid} valid; {reps} reps\n\
         normalize_phone:          median {p:.0} ns/number ({:.0} numbers/s per core)\n\
         baseline (digits only):   median {b:.0} ns/number",
        1e9 / p
    )
}
