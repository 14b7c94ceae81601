//! E-mail identity keys: edge cases people and exports produce, and properties that hold for
//! any address (normalising is idempotent, case and surrounding spaces never make a second
//! key, and anything without exactly one `@` and a dotted domain is refused).
use proptest::prelude::*;
use vinculo_domain::identity::IdentityKey;

#[test]
fn edge_cases_of_real_address_books() {
    for (raw, key) in [
        ("  Ana.Pérez@Example.COM ", "ana.pérez@example.com"),
        ("o'connor+news@ejemplo.es", "o'connor+news@ejemplo.es"),
        ("JOSE@SUB.EJEMPLO.COM.MX", "jose@sub.ejemplo.com.mx"),
        ("user@xn--espaa-rta.es", "user@xn--espaa-rta.es"),
        ("a@b.co", "a@b.co"),
    ] {
        assert_eq!(
            IdentityKey::email(raw).map(|k| k.value).as_deref(),
            Ok(key),
            "{raw:?}"
        );
    }
    for bad in [
        "",
        "ana",
        "ana@",
        "@ejemplo.es",
        "ana@ejemplo",
        "ana@@ejemplo.es",
        "ana@ej emplo.es",
        "ana pérez@ejemplo.es",
        "ana(at)ejemplo.es",
        &format!("{}@ejemplo.es", "a".repeat(65)),
        &format!("ana@{}.es", "d".repeat(260)),
    ] {
        assert!(IdentityKey::email(bad).is_err(), "{bad:?}");
    }
    // A trailing newline from a spreadsheet cell is surrounding whitespace: trimmed.
    assert!(IdentityKey::email("ana@ejemplo.es\n").is_ok());
}

fn local() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9][a-zA-Z0-9._+'-]{0,20}"
}

fn domain() -> impl Strategy<Value = String> {
    ("[a-zA-Z0-9]{1,12}", "[a-zA-Z]{2,6}").prop_map(|(d, tld)| format!("{d}.{tld}"))
}

proptest! {
    #[test]
    fn normalising_is_idempotent_and_ignores_case_and_spaces(l in local(), d in domain(), pad in " {0,3}") {
        let raw = format!("{pad}{l}@{d}{pad}");
        let key = IdentityKey::email(&raw).expect("valid");
        prop_assert_eq!(IdentityKey::email(&key.value).map(|k| k.value), Ok(key.value.clone()));
        let shouted = IdentityKey::email(&raw.to_uppercase()).expect("valid");
        prop_assert_eq!(shouted.value, key.value.clone());
        prop_assert_eq!(key.display, raw.trim().to_owned(), "the typed form is kept");
    }

    #[test]
    fn without_exactly_one_at_sign_it_is_refused(s in "[a-z0-9.]{1,30}") {
        prop_assert!(IdentityKey::email(&s).is_err());
        let doubled = format!("{s}@@x.es");
        prop_assert!(IdentityKey::email(&doubled).is_err());
    }
}
