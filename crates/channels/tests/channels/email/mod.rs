//! E-mail: each fixture under `tests/fixtures/email/` read as a whole, and properties of the
//! parser and the HTML policy on generated input.
mod attachments;
mod charsets;
mod html;
mod kinds;
mod malformed;
mod properties;
mod replies;

use vinculo_channels::email::{parse, Limits, Message};

/// A fixture's raw bytes.
fn raw(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/email/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A fixture, parsed with the default limits.
fn fixture(name: &str) -> Message {
    parse(&raw(name), &Limits::default()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn every_fixture_parses_and_none_keeps_a_script_or_a_remote_image_source() {
    let dir = format!("{}/tests/fixtures/email", env!("CARGO_MANIFEST_DIR"));
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("the fixtures folder")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".eml"))
        .collect();
    names.sort();
    assert!(names.len() >= 18, "{names:?}");
    for name in names {
        let m = fixture(&name);
        let html = m.html.unwrap_or_default().to_lowercase();
        assert!(!html.contains("<script"), "{name}");
        assert!(!html.contains(" src=\"http"), "{name}");
        assert!(!m.visible_text.contains('\r'), "{name}");
    }
}
