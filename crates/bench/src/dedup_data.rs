//! The `dedup` benchmark's dataset: people of realistic shape (Spanish, Latin-American and
//! English names, accents, common surnames so there are many same-name strangers, households
//! sharing a surname, home phone and address, twins), with known duplicates injected, one
//! kind of damage each. Deterministic for a seed.
use vinculo_domain::identity::matching::MatchFields;
use vinculo_domain::identity::{normalize_phone, Region};

use crate::dedup_names::{COMPANY_WORDS, DOMAINS, MEN, STREETS, SURNAMES, SYLLABLES, WOMEN};

/// SplitMix64: tiny, deterministic, good enough to draw names.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
    /// An index skewed towards the front (Zipf-like): the first names of a list are the common ones.
    fn skewed(&mut self, n: usize) -> usize {
        let x = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        ((n as f64).powf(x) - 1.0) as usize % n.max(1)
    }
    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[self.skewed(list.len())]
    }
}

/// How a duplicate differs from its original.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DupKind {
    Typo,
    Swapped,
    ReformattedPhone,
    MissingFields,
    AccentsDropped,
    OtherEmailDomain,
}

pub const KINDS: [DupKind; 6] = [
    DupKind::Typo,
    DupKind::Swapped,
    DupKind::ReformattedPhone,
    DupKind::MissingFields,
    DupKind::AccentsDropped,
    DupKind::OtherEmailDomain,
];

impl DupKind {
    pub fn name(self) -> &'static str {
        match self {
            DupKind::Typo => "typo in a name",
            DupKind::Swapped => "given/family swapped",
            DupKind::ReformattedPhone => "phone typed another way",
            DupKind::MissingFields => "e-mail/phone/birthday missing",
            DupKind::AccentsDropped => "accents dropped, upper case",
            DupKind::OtherEmailDomain => "other e-mail domain",
        }
    }
}

/// Generated people and the duplicate pairs (record indices, original first) injected.
pub struct Dataset {
    pub people: Vec<MatchFields>,
    pub injected: Vec<(u32, u32, DupKind)>,
}

fn rare_surname(rng: &mut Rng) -> String {
    let n = 2 + rng.below(3);
    let mut s: String = (0..n)
        .map(|_| SYLLABLES[rng.below(SYLLABLES.len())])
        .collect();
    if let Some(first) = s.get(..1) {
        s = first.to_uppercase() + &s[1..];
    }
    s
}

fn surname(rng: &mut Rng) -> String {
    // 40% from a long tail, so common surnames are common without being everyone's.
    if rng.chance(0.4) {
        rare_surname(rng)
    } else {
        rng.pick(&SURNAMES).to_owned()
    }
}

fn date(rng: &mut Rng, from: i32, to: i32) -> Option<time::Date> {
    let year = from + rng.below((to - from) as usize) as i32;
    let ordinal = 1 + rng.below(365) as u16;
    time::Date::from_ordinal_date(year, ordinal).ok()
}

fn ascii_lower(s: &str) -> String {
    deunicode(s)
        .to_lowercase()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

fn deunicode(s: &str) -> String {
    vinculo_domain::customers::search::fold(s)
}

/// A unique mobile: a bijection of the person's number onto 8 digits (48271 is prime, so
/// it is coprime to 10^8), so no two strangers share one by accident.
fn mobile(n: u64) -> String {
    format!(
        "+346{:08}",
        (n.wrapping_mul(48_271) + 12_345_678) % 100_000_000
    )
}

fn landline(n: u64) -> String {
    format!(
        "+349{:08}",
        (n.wrapping_mul(69_621) + 7_654_321) % 100_000_000
    )
}

/// `people` records in households, then `duplicates` (a fraction) injected.
pub fn generate(people: usize, duplicates: f64, seed: u64) -> Dataset {
    let mut rng = Rng::new(seed);
    let mut out: Vec<MatchFields> =
        Vec::with_capacity(people + (people as f64 * duplicates) as usize + 8);
    let mut household = 0u64;
    let companies: Vec<String> = (0..2000)
        .map(|_| {
            let a = COMPANY_WORDS[rng.below(COMPANY_WORDS.len())];
            let b = rare_surname(&mut rng);
            let form = ["S.L.", "S.A.", "", "SL"][rng.below(4)];
            format!("{a} {b} {form}").trim().to_owned()
        })
        .collect();
    while out.len() < people {
        household += 1;
        let size = [1, 1, 1, 2, 2, 3, 3, 4][rng.below(8)].min(people - out.len());
        let family = if rng.chance(0.7) {
            format!("{} {}", surname(&mut rng), surname(&mut rng))
        } else {
            surname(&mut rng)
        };
        let home = rng.chance(0.5).then(|| landline(household));
        let postcode = format!("{:02}{:03}", 1 + rng.below(52), rng.skewed(400));
        let street = format!(
            "{} {}, {}º {}",
            rng.pick(&STREETS),
            1 + rng.below(120),
            1 + rng.below(8),
            ["A", "B", "C", "D"][rng.below(4)]
        );
        let twins = size >= 3 && rng.chance(0.05);
        let kids_born = date(&mut rng, 1990, 2015);
        let mut names: Vec<String> = Vec::new();
        for member in 0..size {
            let n = out.len() as u64;
            let woman = rng.chance(0.5);
            let mut given = rng.pick(if woman { &WOMEN } else { &MEN }).to_owned();
            // Parents don't give two children one name, except a son named after his father
            // (about 1 household in 30 with a son: the hardest case for precision).
            let namesake = member >= 2 && !woman && rng.chance(1.0 / 30.0);
            if namesake {
                given = names[0].clone();
            }
            while !namesake && names.contains(&given) {
                given = rng.pick(if woman { &WOMEN } else { &MEN }).to_owned();
            }
            names.push(given.clone());
            // The second adult of a household often keeps their own surname.
            let fam = if member == 1 && rng.chance(0.6) {
                surname(&mut rng)
            } else {
                family.clone()
            };
            let birthday = match member {
                0 | 1 => date(&mut rng, 1945, 1990),
                _ if twins => kids_born,
                _ => date(&mut rng, 1990, 2015),
            };
            let mut phones = Vec::new();
            if rng.chance(0.75) {
                phones.push(mobile(n));
            }
            if let Some(h) = &home {
                phones.push(h.clone());
            }
            let mut emails = Vec::new();
            if rng.chance(0.7) {
                let (g, f) = (
                    ascii_lower(&given),
                    ascii_lower(fam.split(' ').next().unwrap_or(&fam)),
                );
                let local = match rng.below(4) {
                    0 => format!("{g}.{f}{n}"),
                    1 => format!("{}{f}{n}", &g[..1.min(g.len())]),
                    2 => format!("{f}.{g}.{n}"),
                    _ => format!("{g}{n}"),
                };
                emails.push(format!("{local}@{}", DOMAINS[rng.below(DOMAINS.len())]));
            }
            let organisations = if member < 2 && rng.chance(0.4) {
                vec![companies[rng.skewed(companies.len())].clone()]
            } else {
                Vec::new()
            };
            out.push(MatchFields {
                given_name: Some(given.clone()),
                family_name: Some(fam.clone()),
                display_name: format!("{given} {fam}"),
                emails,
                phones,
                addresses: vec![(Some(postcode.clone()), Some(street.clone()))],
                birthday: birthday.filter(|_| rng.chance(0.85)),
                organisations,
            });
        }
    }
    let mut injected = Vec::new();
    let wanted = (people as f64 * duplicates) as usize;
    let mut taken = vec![false; people];
    while injected.len() < wanted {
        let i = rng.below(people);
        if std::mem::replace(&mut taken[i], true) {
            continue;
        }
        let kind = KINDS[rng.below(KINDS.len())];
        let dup = damage(&out[i], kind, &mut rng);
        injected.push((i as u32, out.len() as u32, kind));
        out.push(dup);
    }
    Dataset {
        people: out,
        injected,
    }
}

/// One keyboard slip in a name: a letter replaced, dropped, doubled or two swapped.
fn typo(s: &str, rng: &mut Rng) -> String {
    let mut c: Vec<char> = s.chars().collect();
    if c.len() < 3 {
        return s.to_owned();
    }
    // Not the first letter: people rarely get that wrong, and it keeps blocking on initials.
    let at = 1 + rng.below(c.len() - 2);
    match rng.below(4) {
        0 => c[at] = ['a', 'e', 'i', 'o', 'r', 's', 'n', 'l'][rng.below(8)],
        1 => {
            c.remove(at);
        }
        2 => c.insert(at, c[at]),
        _ => c.swap(at, at + 1),
    }
    c.into_iter().collect()
}

fn damage(orig: &MatchFields, kind: DupKind, rng: &mut Rng) -> MatchFields {
    let mut d = orig.clone();
    // A second record is typed on another day: an employer is often left out.
    if rng.chance(0.5) {
        d.organisations.clear();
    }
    let given = orig.given_name.clone().unwrap_or_default();
    let family = orig.family_name.clone().unwrap_or_default();
    match kind {
        DupKind::Typo => {
            if rng.chance(0.5) {
                d.given_name = Some(typo(&given, rng));
            } else {
                d.family_name = Some(typo(&family, rng));
            }
        }
        DupKind::Swapped => {
            d.given_name = Some(family.clone());
            d.family_name = Some(given.clone());
        }
        DupKind::ReformattedPhone => {
            if d.phones.is_empty() {
                d.phones.push(mobile(rng.next() % 1_000_000_000));
            }
            let national = d.phones[0].trim_start_matches("+34").to_owned();
            let typed = match rng.below(3) {
                0 => format!(
                    "{} {} {} {}",
                    &national[..3],
                    &national[3..5],
                    &national[5..7],
                    &national[7..]
                ),
                1 => format!("0034{national}"),
                _ => format!(
                    "+34-{}-{}-{}",
                    &national[..3],
                    &national[3..6],
                    &national[6..]
                ),
            };
            // The duplicate's phone goes through the same normaliser as any typed number.
            d.phones[0] = normalize_phone(&typed, Region::ES).unwrap_or(typed);
        }
        DupKind::MissingFields => {
            // One of the three always, a second one time in three.
            let first = rng.below(3);
            let second = if rng.chance(1.0 / 3.0) {
                (first + 1) % 3
            } else {
                first
            };
            for gone in [first, second] {
                match gone {
                    0 => d.emails.clear(),
                    1 => d.phones.clear(),
                    _ => d.birthday = None,
                }
            }
        }
        DupKind::AccentsDropped => {
            d.given_name = Some(deunicode(&given).to_uppercase());
            d.family_name = Some(deunicode(&family).to_uppercase());
        }
        DupKind::OtherEmailDomain => {
            let local = orig
                .emails
                .first()
                .and_then(|e| e.split_once('@'))
                .map(|(l, _)| l.to_owned())
                .unwrap_or_else(|| format!("{}{}", ascii_lower(&given), rng.below(1000)));
            let domain = DOMAINS[rng.below(DOMAINS.len())];
            let other = if orig.emails.first().is_some_and(|e| e.ends_with(domain)) {
                "proton.me"
            } else {
                domain
            };
            d.emails = vec![format!("{local}@{other}")];
        }
    }
    d.display_name = format!(
        "{} {}",
        d.given_name.as_deref().unwrap_or_default(),
        d.family_name.as_deref().unwrap_or_default()
    );
    d
}
