//! HTML bodies as customers' and marketers' mailers write them.
use vinculo_channels::email::Kind;

use super::fixture;

#[test]
fn a_newsletter_loses_scripts_frames_forms_handlers_and_tracking() {
    let m = fixture("newsletter.eml");
    let html = m.html.expect("the HTML part");
    let lower = html.to_lowercase();
    for banned in [
        "<script",
        "<iframe",
        "<form",
        "<input",
        "<style",
        "<svg",
        "onclick",
        "onload",
        "javascript:",
        "url(",
        "document.cookie",
        "<title",
    ] {
        assert!(!lower.contains(banned), "{banned} in {html}");
    }
    assert!(
        html.contains("<img alt=\"Ofertas Hogar\" width=\"200\" data-remote-src=\"https://cdn.ofertas.es/logo.png\">"),
        "{html}"
    );
    assert!(
        html.contains("data-remote-src=\"https://track.ofertas.es/open.gif?id=8812\""),
        "{html}"
    );
    assert!(
        html.contains(
            "<a href=\"https://ofertas.es/sofas?utm_source=news&amp;utm_medium=email\" \
             target=\"_blank\" rel=\"noopener noreferrer\">Ver sofás</a>"
        ),
        "{html}"
    );
    // Layout survives: the table and the inline colour.
    assert!(html.contains("<table width=\"600\""), "{html}");
    assert!(
        html.contains("style=\"color:#333;font-size:16px\""),
        "{html}"
    );
    assert_eq!(m.kind, Kind::List);
}

#[test]
fn an_inline_image_stays_a_cid_reference_to_its_attachment() {
    let m = fixture("inline_image.eml");
    let html = m.html.expect("the HTML part");
    assert!(
        html.contains("<img src=\"cid:golpe@ejemplo.es\" alt=\"golpe.png\""),
        "{html}"
    );
    assert_eq!(m.attachments.len(), 1);
    let image = &m.attachments[0];
    assert_eq!(image.content_id.as_deref(), Some("golpe@ejemplo.es"));
    assert!(image.inline);
    assert_eq!(image.content_type, "image/png");
    assert_eq!(image.filename.as_deref(), Some("golpe.png"));
    assert!(image.bytes().is_some_and(|b| b.starts_with(b"\x89PNG\r\n")));
    // The text alternative is the text, not the HTML rendered.
    assert_eq!(
        m.text,
        "Os mando la foto del golpe:\n[image: golpe.png]\nAndrés"
    );
}
