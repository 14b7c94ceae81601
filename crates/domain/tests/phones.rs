//! `normalize_phone` and `national_digits` checked against libphonenumber's own example numbers
//! for every territory its metadata knows, and property tests over the spellings people type in
//! the regions Vinculo's customers live in (Spain, Latin America, the US, western Europe).
use phonenumber::metadata::{Metadata, DATABASE};
use phonenumber::{Mode, Type};
use proptest::prelude::*;
use vinculo_domain::identity::{national_digits, normalize_phone, Region};

/// The number types of libphonenumber's main metadata. Emergency, short-code, standard-rate and
/// carrier numbers belong to its short-number metadata, which the crate does not bundle, and
/// `NoInternational` numbers cannot be dialled from abroad, so they have no E.164 to compare.
const KINDS: [Type; 10] = [
    Type::FixedLine,
    Type::Mobile,
    Type::TollFree,
    Type::PremiumRate,
    Type::SharedCost,
    Type::PersonalNumber,
    Type::Voip,
    Type::Pager,
    Type::Uan,
    Type::Voicemail,
];

/// Every territory in the metadata. `Database::by_id` keys the non-geographic entities (+800,
/// +882, …) by one shared id "001", so only walking the country codes reaches all of them.
fn territories() -> Vec<&'static Metadata> {
    (1..=999u16)
        .filter_map(|code| DATABASE.by_code(&code))
        .flatten()
        .collect()
}

fn examples(meta: &'static Metadata) -> impl Iterator<Item = (Type, &'static str)> {
    KINDS
        .into_iter()
        .filter_map(move |kind| Some((kind, meta.descriptors().get(kind)?.example()?)))
}

/// libphonenumber's own reading of an E.164 string. The port strips a trunk prefix after the
/// country code (`parse(None, "+78001234567")` gives +7 001234567), but not when the reading
/// region has no trunk prefix, as Spain's has none: so the number is read "in ES".
fn parse_e164(e164: &str) -> Option<phonenumber::PhoneNumber> {
    phonenumber::parse(Some(phonenumber::country::Id::ES), e164)
        .ok()
        .filter(|n| n.format().mode(Mode::E164).to_string() == e164)
}

fn region(code: &str) -> Region {
    Region::parse(code).expect("a region libphonenumber knows")
}

#[derive(Default)]
struct Checks {
    inputs: usize,
    failures: Vec<String>,
}

impl Checks {
    fn expect(&mut self, what: &str, input: &str, read_in: Region, expected: &str) {
        self.inputs += 1;
        let got = normalize_phone(input, read_in).map_err(|e| e.to_string());
        if got.as_deref() != Ok(expected) {
            self.failures.push(format!(
                "{what}: {input:?} read in {read_in} gave {got:?}, expected {expected}"
            ));
        }
    }

    fn fail(&mut self, what: &str, problem: String) {
        self.failures.push(format!("{what}: {problem}"));
    }
}

#[test]
fn every_libphonenumber_example_number_normalises_to_its_e164_in_every_spelling() {
    let mut checks = Checks::default();
    let (mut territories_seen, mut numbers) = (0, 0);
    for meta in territories() {
        territories_seen += 1;
        let cc = meta.country_code();
        // A territory's own spellings are read in it; "001" numbers only exist with their code.
        let home = match meta.id() {
            "001" => None,
            id => match Region::parse(id) {
                Some(r) => Some(r),
                None => {
                    checks.fail(id, "Region::parse does not know it".into());
                    None
                }
            },
        };
        // Unrelated regions: one without a trunk prefix and one whose trunk prefix is "0", as
        // the port wrongly strips the reading region's trunk prefix after a country code.
        let abroad = [
            region(if cc == 34 { "US" } else { "ES" }),
            region(if cc == 33 { "DE" } else { "FR" }),
        ];
        for (kind, example) in examples(meta) {
            numbers += 1;
            let what = format!("{} {kind:?}", meta.id());
            let e164 = format!("+{cc}{example}");
            let Some(parsed) = parse_e164(&e164) else {
                checks.fail(&what, format!("libphonenumber cannot read {e164}"));
                continue;
            };
            let national = parsed.format().mode(Mode::National).to_string();
            let international = parsed.format().mode(Mode::International).to_string();
            if let Some(home) = home {
                checks.expect(&what, example, home, &e164);
                checks.expect(&what, &national, home, &e164);
                // People also type the trunk prefix before numbers dialled without it (CO
                // mobiles, IL 1-xxx numbers); reading those is harmless.
                if let Some(prefix) = meta.national_prefix() {
                    checks.expect(&what, &format!("{prefix}{example}"), home, &e164);
                }
            }
            for abroad in abroad {
                checks.expect(&what, &e164, abroad, &e164);
                checks.expect(&what, &international, abroad, &e164);
            }
            // Spain dials out with a plain "00", so these read as international everywhere.
            checks.expect(&what, &format!("00{cc}{example}"), Region::ES, &e164);
            checks.expect(
                &what,
                &international.replacen('+', "00", 1),
                Region::ES,
                &e164,
            );
            let digits = national_digits(&e164);
            if digits.as_deref() != Some(example) {
                checks.fail(&what, format!("national_digits({e164}) gave {digits:?}"));
            }
        }
    }
    println!(
        "checked {numbers} example numbers of {territories_seen} territories through {} inputs",
        checks.inputs
    );
    assert!(
        checks.failures.is_empty(),
        "{} of {} checks failed:\n{}",
        checks.failures.len(),
        checks.inputs,
        checks.failures.join("\n")
    );
}

/// How people dial out from regions whose international prefix is not a plain "00": a carrier
/// code follows it (Brazil, Colombia) or it is longer (Australia) or different (US).
#[test]
fn a_regions_own_international_prefix_reads_the_foreign_number() {
    for (read_in, raw) in [
        ("US", "011 34 612 34 56 78"),
        ("AU", "0011 34 612 34 56 78"),
        ("BR", "0021 34 612 34 56 78"),
        ("CO", "009 34 612 34 56 78"),
        ("MX", "00 34 612 34 56 78"),
    ] {
        assert_eq!(
            normalize_phone(raw, region(read_in)).as_deref(),
            Ok("+34612345678"),
            "{raw:?} read in {read_in}"
        );
    }
}

/// "(0)" after the country code marks a trunk prefix that is not dialled from abroad.
#[test]
fn a_bracketed_trunk_zero_after_the_country_code_is_dropped() {
    for (raw, expected) in [
        ("+44 (0)20 7123 4567", "+442071234567"),
        ("+49 (0)30 123456", "+4930123456"),
        ("0044 (0) 7400 123456", "+447400123456"),
    ] {
        for read_in in ["ES", "GB", "DE", "US"] {
            assert_eq!(
                normalize_phone(raw, region(read_in)).as_deref(),
                Ok(expected),
                "{raw:?} read in {read_in}"
            );
        }
    }
}

/// Regions of a Spanish, Latin-American and US customer base.
const CRM_REGIONS: [&str; 16] = [
    "ES", "MX", "AR", "CO", "CL", "PE", "US", "GB", "FR", "DE", "PT", "BR", "IT", "EC", "VE", "UY",
];

/// A valid number of one region: its E.164, its national significant number and its
/// national spelling as libphonenumber formats it (with the trunk prefix where one is dialled).
#[derive(Clone, Debug)]
struct Sample {
    region: Region,
    cc: u16,
    nsn: String,
    national: String,
}

impl Sample {
    fn e164(&self) -> String {
        format!("+{}{}", self.cc, self.nsn)
    }
}

/// The region's example numbers with their last two digits replaced by `tail`, kept only when
/// libphonenumber still calls the result valid (otherwise the example itself).
fn sample(region_code: &str, kind: usize, tail: u8) -> Option<Sample> {
    let meta = DATABASE.by_id(region_code)?;
    let all: Vec<_> = examples(meta).collect();
    let (_, example) = all[kind % all.len()];
    let cc = meta.country_code();
    let varied = format!("{}{tail:02}", &example[..example.len() - 2]);
    let number = [varied.as_str(), example]
        .into_iter()
        .filter_map(|nsn| parse_e164(&format!("+{cc}{nsn}")))
        .find(phonenumber::is_valid)?;
    Some(Sample {
        region: region(region_code),
        cc,
        nsn: number.national().to_string(),
        national: number.format().mode(Mode::National).to_string(),
    })
}

fn samples() -> impl Strategy<Value = Sample> {
    (0..CRM_REGIONS.len(), 0usize..10, 0u8..100)
        .prop_filter_map("the example has a valid variant", |(r, kind, tail)| {
            sample(CRM_REGIONS[r], kind, tail)
        })
}

/// The digits regrouped by `groups` (sizes and the separator after each), the first group
/// optionally in parentheses.
fn regroup(digits: &str, groups: &[(usize, &str)], parens: bool) -> String {
    let mut out = String::new();
    let mut rest = digits;
    for (i, (size, sep)) in groups.iter().enumerate() {
        if rest.is_empty() {
            break;
        }
        let (group, tail) = rest.split_at((*size).min(rest.len()));
        if i == 0 && parens {
            out.push_str(&format!("({group})"));
        } else {
            out.push_str(group);
        }
        rest = tail;
        if !rest.is_empty() {
            out.push_str(sep);
        }
    }
    out.push_str(rest);
    out
}

fn separator() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["", " ", "-", ".", "  ", " - "])
}

/// Which form, the digit groups with the separator after each, parentheses round the first
/// group, leading and trailing whitespace.
type Spelling = (usize, Vec<(usize, &'static str)>, bool, String, String);

fn spelling() -> impl Strategy<Value = Spelling> {
    (
        0usize..5,
        prop::collection::vec((1usize..=4, separator()), 1..6),
        any::<bool>(),
        "[ \t]{0,2}",
        "[ \t\n]{0,2}",
    )
}

/// One way to type the sample: libphonenumber's national format, or the national digits,
/// "+CC", "(+CC)" or "00CC" followed by the national number, regrouped.
fn spell(s: &Sample, (form, groups, parens, lead, trail): &Spelling) -> String {
    let national_digits: String = s.national.chars().filter(char::is_ascii_digit).collect();
    let body = match form {
        0 => s.national.clone(),
        1 => regroup(&national_digits, groups, *parens),
        2 => format!(
            "+{}{}{}",
            s.cc,
            groups[0].1,
            regroup(&s.nsn, groups, *parens)
        ),
        3 => format!("(+{}) {}", s.cc, regroup(&s.nsn, groups, false)),
        _ => format!("00{} {}", s.cc, regroup(&s.nsn, groups, *parens)),
    };
    format!("{lead}{body}{trail}")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1_000))]

    #[test]
    fn every_spelling_of_a_number_gives_one_e164(s in samples(), a in spelling(), b in spelling()) {
        let expected = s.e164();
        for raw in [spell(&s, &a), spell(&s, &b)] {
            prop_assert_eq!(normalize_phone(&raw, s.region), Ok(expected.clone()), "{:?}", raw);
        }
    }

    #[test]
    fn an_e164_normalises_to_itself_anywhere(s in samples(), r in 0..CRM_REGIONS.len()) {
        let e164 = s.e164();
        prop_assert_eq!(normalize_phone(&e164, s.region), Ok(e164.clone()));
        prop_assert_eq!(normalize_phone(&e164, region(CRM_REGIONS[r])), Ok(e164.clone()));
    }

    #[test]
    fn national_digits_read_in_the_region_give_the_e164_back(s in samples()) {
        let e164 = s.e164();
        let digits = national_digits(&e164);
        prop_assert_eq!(digits.as_deref(), Some(s.nsn.as_str()));
        prop_assert_eq!(normalize_phone(&digits.unwrap_or_default(), s.region), Ok(e164));
    }
}
