//! What a customer sends stays harmless on the inbox's pages: attachments download as files
//! (active types as plain bytes) only inside their workspace, and an HTML body is shown only
//! escaped inside a sandboxed frame; on both backends.
use crate::inbox_pages::{mail, page, take};
use rstest::rstest;
use vinculo_app::conversations::Attachment;
use vinculo_domain::auth::Role;
use vinculo_testkit::{Backend, TestApp};

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn attachments_download_as_files_only_inside_their_workspace(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    t.user("acme", "ana@acme.test", Role::Admin).await;
    t.user("other", "olga@other.test", Role::Admin).await;
    let mut msg = mail("m1@mail.test", "lucia@mail.test", "Factura");
    let file = |name: &str, kind: &str, data: Option<&[u8]>, refused: Option<&str>| Attachment {
        filename: name.into(),
        content_type: kind.into(),
        size: data.map_or(90_000_000, |d| d.len() as u64),
        content_id: None,
        inline: false,
        data: data.map(<[u8]>::to_vec),
        refused: refused.map(str::to_owned),
    };
    msg.attachments = vec![
        file(
            "factura octubre.pdf",
            "application/pdf",
            Some(b"%PDF-1.4"),
            None,
        ),
        file(
            "../página.html",
            "text/html",
            Some(b"<script>alert(1)</script>"),
            None,
        ),
        file("video.mov", "video/quicktime", None, Some("too large")),
    ];
    let conv = take(&t, &msg).await;
    let actor = t.principal("acme", "ana@acme.test").await;
    let thread = vinculo_app::conversations::thread(&t.app, &actor, conv)
        .await
        .expect("thread");
    let id_of = |name: &str| {
        thread
            .attachments
            .iter()
            .find(|a| a.filename == name)
            .expect("file")
            .id
    };
    let (pdf, html_file, video) = (
        id_of("factura octubre.pdf"),
        id_of("../página.html"),
        id_of("video.mov"),
    );
    let (c, _) = t.login("ana@acme.test").await;

    let (_, page_html) = page(&t, &c, &format!("/inbox/{conv}")).await;
    assert!(
        page_html.contains(&format!("href=\"/inbox/attachments/{pdf}\"")),
        "{page_html}"
    );
    assert!(
        !page_html.contains(&format!("/inbox/attachments/{video}")),
        "a refused file has no link"
    );
    assert!(page_html.contains("video.mov") && page_html.contains("not kept: too large"));

    let r = c
        .get(t.url(&format!("/inbox/attachments/{pdf}")))
        .send()
        .await
        .expect("pdf");
    assert_eq!(r.status(), 200);
    let h = r.headers().clone();
    assert_eq!(h["content-type"], "application/pdf");
    assert_eq!(
        h["content-disposition"],
        "attachment; filename=\"factura octubre.pdf\"; filename*=UTF-8''factura%20octubre.pdf"
    );
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(r.bytes().await.expect("bytes").as_ref(), b"%PDF-1.4");
    let r = c
        .get(t.url(&format!("/inbox/attachments/{html_file}")))
        .send()
        .await
        .expect("html");
    assert_eq!(r.headers()["content-type"], "application/octet-stream");
    assert_eq!(
        r.headers()["content-disposition"],
        "attachment; filename=\"p_gina.html\"; filename*=UTF-8''p%C3%A1gina.html"
    );
    let (s, _) = page(&t, &c, &format!("/inbox/attachments/{video}")).await;
    assert_eq!(s, 404);

    // Another workspace's admin, and nobody logged in, get nothing.
    let (olga, _) = t.login("olga@other.test").await;
    let (s, _) = page(&t, &olga, &format!("/inbox/attachments/{pdf}")).await;
    assert_eq!(s, 404);
    let (s, _) = page(&t, &olga, &format!("/inbox/{conv}")).await;
    assert_eq!(s, 404);
    let r = t
        .browser()
        .get(t.url(&format!("/inbox/attachments/{pdf}")))
        .send()
        .await
        .expect("anon");
    assert_eq!(r.status(), 303);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn an_html_body_is_shown_only_escaped_inside_a_sandboxed_frame(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    t.user("acme", "ana@acme.test", Role::Admin).await;
    let mut msg = mail("m1@mail.test", "lucia@mail.test", "Hola <b>equipo</b>");
    msg.text = Some("Texto con <i>etiquetas</i>".into());
    msg.html = Some(
        "<p>Hola <b>equipo</b></p><img src=x onerror=\"alert(1)\"><script>alert(2)</script><a href=\"javascript:alert(3)\">x</a>".into(),
    );
    let conv = take(&t, &msg).await;
    let mut only_html = mail("m2@mail.test", "rosa@mail.test", "Solo HTML");
    only_html.text = None;
    only_html.html = Some("<p>Solo <em>formato</em></p>".into());
    let other = take(&t, &only_html).await;
    let (c, _) = t.login("ana@acme.test").await;

    for (id, shown) in [
        (conv, "<p>Hola <b>equipo</b></p>"),
        (other, "<p>Solo <em>formato</em></p>"),
    ] {
        let (s, html) = page(&t, &c, &format!("/inbox/{id}")).await;
        assert_eq!(s, 200);
        let frame = html.find("<iframe").expect("a frame");
        let tag = &html[frame..frame + html[frame..].find('>').expect("tag end")];
        assert!(
            tag.contains("sandbox=\"allow-popups allow-popups-to-escape-sandbox\""),
            "{tag}"
        );
        assert!(
            !tag.contains("allow-scripts") && !tag.contains("allow-same-origin"),
            "{tag}"
        );
        // No markup of the message in the page itself.
        for raw in [
            "<p>Hola",
            "<b>equipo",
            "<em>formato",
            "<script>alert",
            "onerror",
            "javascript:alert",
            "<i>etiquetas",
        ] {
            assert!(!html.contains(raw), "{raw} in the page: {html}");
        }
        // The frame's document: the message, sanitised, under a policy that runs nothing.
        let src = tag
            .split("src=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .expect("the frame's src");
        let r = c.get(t.url(src)).send().await.expect("frame");
        assert_eq!(r.status(), 200);
        let csp = r.headers()["content-security-policy"]
            .to_str()
            .expect("csp")
            .to_owned();
        assert!(
            csp.contains("sandbox") && !csp.contains("allow-scripts"),
            "{csp}"
        );
        assert!(
            csp.contains("default-src 'none'") && !csp.contains("script-src"),
            "{csp}"
        );
        assert_eq!(r.headers()["x-frame-options"], "SAMEORIGIN");
        let doc = r.text().await.expect("body");
        assert!(doc.contains(shown), "{doc}");
        for raw in ["<script", "alert(2)", "onerror", "javascript:"] {
            assert!(!doc.contains(raw), "{raw} in the frame: {doc}");
        }
    }
    // Another workspace cannot read the frame.
    t.user("other", "olga@other.test", Role::Admin).await;
    let (olga, _) = t.login("olga@other.test").await;
    let (_, html) = page(&t, &c, &format!("/inbox/{conv}")).await;
    let src = html
        .split("src=\"/inbox/messages/")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("src");
    let (s, _) = page(&t, &olga, &format!("/inbox/messages/{src}")).await;
    assert_eq!(s, 404);
    assert!(html.contains("Texto con &lt;i&gt;etiquetas&lt;/i&gt;"));
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn the_quoted_history_and_the_signature_are_folded_under_the_new_text(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    t.user("acme", "ana@acme.test", Role::Admin).await;
    let mut msg = mail("q1@mail.test", "lucia@mail.test", "Re: Pedido");
    msg.text = Some(
        "Gracias, ya llegó.\n\n-- \nLucía Pérez\nTel. 612 34 56 78\n\n\
         El lun, 23 nov 2026 a las 9:00, Soporte <soporte@acme.test> escribió:\n\
         > ¿Le llegó el pedido?\n"
            .into(),
    );
    let conv = take(&t, &msg).await;
    let (c, _) = t.login("ana@acme.test").await;
    let (s, html) = page(&t, &c, &format!("/inbox/{conv}")).await;
    assert_eq!(s, 200);
    let new = html.find("Gracias, ya llegó.").expect("the new text");
    let fold = html.find("<details class=\"quoted\">").expect("a fold");
    let quote = html
        .find("¿Le llegó el pedido?")
        .expect("the quote, folded");
    let signature = html
        .find("Tel. 612 34 56 78")
        .expect("the signature, folded");
    assert!(new < fold && fold < signature && fold < quote, "{html}");
    assert!(html.contains("Show the quoted text") || html.contains("Ver el texto citado"));
}
