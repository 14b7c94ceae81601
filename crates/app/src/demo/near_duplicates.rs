//! Near-duplicates among the demo's people: a person already written, typed in again a few
//! rows later by someone else, so the duplicates page has something to show. Never the same
//! e-mail or phone as the original: identity keys are unique in a workspace, so the importer
//! would update the original instead (which is right: that is not a duplicate left behind).
//! What stays is what a person would recognise: the name (perhaps mistyped), the e-mail user
//! name, the birthday and postal code.
use super::people::{Lcg, Person};

/// Rows (in 100) that put an earlier person aside to be typed in again: 3 in 100.
pub(super) const PERCENT: usize = 3;
/// A near-duplicate comes within this many rows of its original.
pub(super) const WITHIN: usize = 50;

/// The demo's e-mail domains; a duplicate's may be another one, or the same mistyped.
pub(super) const DOMAINS: [&str; 4] = ["example.es", "example.com", "example.mx", "example.org"];

/// One keyboard slip in a name, never in its first letter (people rarely get that wrong): a
/// letter dropped, doubled, or two swapped.
fn slip(s: &str, r: &mut Lcg) -> String {
    let mut c: Vec<char> = s.chars().collect();
    if c.len() < 4 {
        return s.to_owned();
    }
    let at = 1 + r.next(c.len() as u64 - 2);
    match r.next(3) {
        0 => {
            c.remove(at);
        }
        1 => c.insert(at, c[at]),
        _ => c.swap(at, at + 1),
    }
    c.into_iter().collect()
}

/// "maria.garcia17@example.es" split into user name and domain.
fn split(email: &str) -> (&str, &str) {
    email.rsplit_once('@').unwrap_or((email, ""))
}

/// The domain with two letters swapped ("exmaple.es").
fn domain_slip(domain: &str) -> String {
    domain.replacen("example", "exmaple", 1)
}

/// Two letters of the user name swapped, before its digits and after its first letter: the
/// number people add to their e-mail is the part they check. Where the two are one letter
/// twice ("ll"), the domain is mistyped instead, so the address always differs.
fn user_slip(email: &str, r: &mut Lcg) -> String {
    let (user, domain) = split(email);
    let letters = user.bytes().take_while(|b| !b.is_ascii_digit()).count();
    let mut b = user.as_bytes().to_vec();
    if letters >= 4 {
        let at = 1 + r.next(letters as u64 - 2);
        b.swap(at, at + 1);
    }
    match String::from_utf8(b) {
        Ok(typed) if typed != user => format!("{typed}@{domain}"),
        _ => format!("{user}@{}", domain_slip(domain)),
    }
}

/// `orig` typed in again, one kind of damage chosen by `r`. The caller gives it its own
/// external id.
pub(super) fn near_duplicate(orig: &Person, r: &mut Lcg) -> Person {
    let mut d = Person {
        given: orig.given.clone(),
        family: orig.family.clone(),
        city: orig.city,
        country: orig.country,
        birthday: orig.birthday.clone(),
        postcode: orig.postcode.clone(),
        stage: "lead",
        ..Person::default()
    };
    // Typed in at the counter, not imported from the ERP: the employer half the time, no
    // tags or custom fields.
    if r.next(2) == 0 {
        d.org = orig.org.clone();
        d.title = orig.title.clone();
    }
    let (user, domain) = split(&orig.email);
    // The messy file's unreadable e-mails ("ana at example.es") are not carried over.
    let usable = !user.is_empty() && !domain.is_empty() && !orig.email.contains(' ');
    match r.next(5) {
        // A typo in the name; the person's other address (same user name, another domain).
        0 => {
            if r.next(2) == 0 {
                d.given = slip(&orig.given, r);
            } else {
                d.family = slip(&orig.family, r);
            }
            let other = DOMAINS
                .iter()
                .copied()
                .filter(|x| *x != domain)
                .nth(r.next(3))
                .unwrap_or("example.net");
            if usable {
                d.email = format!("{user}@{other}");
            }
        }
        // In capitals without accents, and the domain mistyped.
        1 => {
            let plain = |s: &str| vinculo_domain::customers::search::fold(s).to_uppercase();
            d.given = plain(&orig.given);
            d.family = plain(&orig.family);
            if usable {
                d.email = format!("{user}@{}", domain_slip(domain));
            }
        }
        // No e-mail and no phone: only the name, the birthday and the postal code.
        2 => {}
        // Given and family names the other way round.
        3 => std::mem::swap(&mut d.given, &mut d.family),
        // A typo in the e-mail's user name.
        _ if !usable => {}
        _ => d.email = user_slip(&orig.email, r),
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn maria() -> Person {
        Person {
            given: "María".into(),
            family: "García".into(),
            email: "maria.garcia17@example.es".into(),
            phone: "612 00 00 17".into(),
            birthday: "1985-04-23".into(),
            postcode: "28013".into(),
            ..Person::default()
        }
    }

    #[test]
    fn a_near_duplicate_never_shares_the_originals_e_mail_or_phone() {
        let orig = maria();
        let mut r = Lcg(5);
        for _ in 0..500 {
            let d = near_duplicate(&orig, &mut r);
            assert!(d.phone.is_empty());
            assert_ne!(d.email.to_lowercase(), orig.email);
            assert_eq!(
                (d.birthday.as_str(), d.postcode.as_str()),
                ("1985-04-23", "28013")
            );
            assert!(
                d.given.chars().next().is_some_and(|c| "MmGg".contains(c)),
                "{}",
                d.given
            );
        }
    }

    #[test]
    fn slips_keep_the_first_letter_and_change_one_thing() {
        let mut r = Lcg(3);
        for _ in 0..200 {
            let s = slip("González", &mut r);
            assert!(s.starts_with('G'));
            assert_ne!(s, "González");
            let len = |s: &str| s.chars().count() as i64;
            assert!((len(&s) - len("González")).abs() <= 1, "{s}");
            let e = user_slip("maria.garcia17@example.es", &mut r);
            assert!(e.starts_with('m') && e.ends_with("17@example.es"), "{e}");
            assert_ne!(e, "maria.garcia17@example.es");
            let twice = user_slip("ella.williams9@example.com", &mut r);
            assert_ne!(twice, "ella.williams9@example.com");
        }
    }
}
