//! `/settings/mailboxes`: admins only; the form names each refused field beside it, in the
//! user's language; passwords are kept when left blank; on both backends.
use crate::inbox_pages::{form, page};
use rstest::rstest;
use vinculo_domain::auth::Role;
use vinculo_testkit::{Backend, TestApp};

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn admins_connect_mailboxes_through_a_form_that_names_each_problem(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    t.user("acme", "ana@acme.test", Role::Admin).await;
    t.user("acme", "luis@acme.test", Role::Manager).await;
    let (manager, manager_csrf) = t.login("luis@acme.test").await;
    let (s, _) = page(&t, &manager, "/settings/mailboxes").await;
    assert_eq!(s, 403);
    let (s, _) = form(
        &t,
        &manager,
        "/settings/mailboxes",
        &[("_csrf", &manager_csrf), ("name", "X")],
    )
    .await;
    assert_eq!(s, 403);
    let (_, settings) = page(&t, &manager, "/settings/account").await;
    assert!(!settings.contains("href=\"/settings/mailboxes\""));

    let (c, csrf) = t.login("ana@acme.test").await;
    let (s, html) = page(&t, &c, "/settings/mailboxes").await;
    assert_eq!(s, 200);
    assert!(
        html.contains("href=\"/settings/mailboxes\""),
        "linked from the settings"
    );
    assert!(html.contains("name=\"imap_host\"") && html.contains("name=\"smtp_password\""));
    assert!(html.contains("No encryption (localhost only)"));
    assert!(
        !html.contains("name=\"delete_after_fetch\" value=\"on\" checked"),
        "off by default"
    );

    let bad = [
        ("_csrf", csrf.as_str()),
        ("name", "Soporte"),
        ("address", "no-es-correo"),
        ("imap_host", "imap acme"),
        ("imap_port", "70000"),
        ("imap_security", "tls"),
        ("imap_username", "soporte"),
        ("smtp_host", "smtp.acme.test"),
        ("smtp_security", "none"),
        ("smtp_username", "soporte"),
        ("smtp_password", "x"),
    ];
    let (s, html) = form(&t, &c, "/settings/mailboxes", &bad).await;
    assert_eq!(s, 422, "{html}");
    for (field, text) in [
        ("address", "is not an e-mail address"),
        ("imap_host", "is not a host name"),
        ("imap_port", "70000"),
        ("imap_password", "required"),
        ("smtp_security", "localhost"),
    ] {
        let at = html
            .find(&format!("id=\"err-{field}\""))
            .unwrap_or_else(|| panic!("no error for {field}: {html}"));
        assert!(
            html[at..at + 300].contains(text),
            "{field}: {}",
            &html[at..at + 300]
        );
    }
    assert!(html.contains("value=\"imap acme\""), "what was typed stays");
    assert!(
        !html.contains("value=\"x\""),
        "a typed password is not sent back"
    );

    // In Spanish for a Spanish speaker.
    let (s, _) = form(
        &t,
        &c,
        "/account/language",
        &[
            ("_csrf", &csrf),
            ("locale", "es"),
            ("next", "/settings/mailboxes"),
        ],
    )
    .await;
    assert_eq!(s, 303);
    let (_, html) = form(&t, &c, "/settings/mailboxes", &bad).await;
    assert!(
        html.contains("«70000» no es un puerto (de 1 a 65535)"),
        "{html}"
    );
    assert!(html.contains("Revisa los campos marcados."));

    let good = [
        ("_csrf", csrf.as_str()),
        ("name", "Soporte"),
        ("address", "Soporte@Acme.test"),
        ("imap_host", "imap.acme.test"),
        ("imap_port", ""),
        ("imap_security", "tls"),
        ("imap_username", "soporte"),
        ("imap_password", "imap-s3cret"),
        ("smtp_host", "smtp.acme.test"),
        ("smtp_port", "587"),
        ("smtp_security", "starttls"),
        ("smtp_username", "soporte"),
        ("smtp_password", "smtp-s3cret"),
        ("signature", "El equipo de Acme"),
        ("team", ""),
    ];
    let (s, to) = form(&t, &c, "/settings/mailboxes", &good).await;
    assert_eq!(
        (s, to.as_str()),
        (303, "/settings/mailboxes?flash=mailbox_connected")
    );
    let (_, html) = page(&t, &c, &to).await;
    assert!(
        html.contains("Buzón conectado.") && html.contains("soporte@acme.test"),
        "{html}"
    );
    assert!(
        html.contains("imap.acme.test:993") && html.contains("aún no se ha leído"),
        "{html}"
    );
    assert!(!html.contains("s3cret"));
    let (s, html) = form(&t, &c, "/settings/mailboxes", &good).await;
    assert_eq!(s, 422);
    assert!(html.contains("Esa dirección ya está conectada."));

    // Edited without passwords: the stored ones stay.
    let actor = t.principal("acme", "ana@acme.test").await;
    let stored = vinculo_app::conversations::mailboxes::list(&t.app, &actor)
        .await
        .expect("list")
        .remove(0);
    let edit = format!("/settings/mailboxes/{}", stored.id);
    let (s, html) = page(&t, &c, &edit).await;
    assert_eq!(s, 200);
    assert!(
        html.contains("Déjala en blanco para conservar la contraseña guardada.")
            && !html.contains("s3cret")
    );
    let mut changed: Vec<(&str, &str)> = good
        .iter()
        .filter(|(k, _)| !k.ends_with("password"))
        .copied()
        .collect();
    changed.push(("folder", "Soporte"));
    changed.push(("enabled", "on"));
    let (s, to) = form(&t, &c, &edit, &changed).await;
    assert_eq!((s, to.as_str()), (303, "/settings/mailboxes?flash=saved"));
    let stored = vinculo_app::conversations::mailboxes::get(&t.app, &actor, stored.id)
        .await
        .expect("get");
    assert_eq!(stored.folder, "Soporte");
    let (imap, smtp) =
        vinculo_app::conversations::mailboxes::passwords(&t.app, &stored).expect("open");
    assert_eq!(
        (imap.as_str(), smtp.as_str()),
        ("imap-s3cret", "smtp-s3cret")
    );

    let (s, to) = form(&t, &c, &format!("{edit}/delete"), &[("_csrf", &csrf)]).await;
    assert_eq!(
        (s, to.as_str()),
        (303, "/settings/mailboxes?flash=mailbox_deleted")
    );
    let (_, html) = page(&t, &c, "/settings/mailboxes").await;
    assert!(html.contains("Aún no hay ningún buzón conectado."));
}
