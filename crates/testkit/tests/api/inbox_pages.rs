//! The inbox's pages as a browser uses them: the list (unread in bold, tabs and filters)
//! and a conversation (notes, status, assignment, labels), on both backends. Downloads and
//! HTML bodies are in `inbox_safety`, the mailbox settings in `mailbox_pages`.
use rstest::rstest;
use vinculo_app::conversations::{receive, Classified, InboundMessage, Received};
use vinculo_domain::auth::Role;
use vinculo_domain::conversations::Channel;
use vinculo_domain::ids::ConversationId;
use vinculo_testkit::{Backend, TestApp};

pub(crate) fn mail(id: &str, from: &str, subject: &str) -> InboundMessage {
    InboundMessage {
        channel: Channel::Email,
        mail_channel_id: None,
        message_id: id.to_owned(),
        answers: Vec::new(),
        from_address: from.to_owned(),
        from_name: Some("Lucía Pérez".into()),
        to: vec!["soporte@acme.test".into()],
        cc: Vec::new(),
        subject: subject.to_owned(),
        date: None,
        text: Some("Mi pedido PED-1 no ha llegado.".into()),
        html: None,
        class: Classified::Customer,
        attachments: Vec::new(),
    }
}

/// Takes a message in as the workspace's admin; the conversation it joined.
pub(crate) async fn take(t: &TestApp, msg: &InboundMessage) -> ConversationId {
    let actor = t.principal("acme", "ana@acme.test").await;
    match receive(&t.app, &actor, msg).await.expect("receive") {
        Received::Added {
            conversation_id, ..
        } => conversation_id,
        other => panic!("not added: {other:?}"),
    }
}

pub(crate) async fn page(t: &TestApp, c: &reqwest::Client, path: &str) -> (u16, String) {
    let r = c.get(t.url(path)).send().await.expect("get");
    (r.status().as_u16(), r.text().await.expect("body"))
}

/// Posts a form; the status and where it redirects to (or the page's body).
pub(crate) async fn form(
    t: &TestApp,
    c: &reqwest::Client,
    path: &str,
    fields: &[(&str, &str)],
) -> (u16, String) {
    let r = c.post(t.url(path)).form(fields).send().await.expect("post");
    let status = r.status().as_u16();
    let location = r
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .map(str::to_owned);
    (status, location.unwrap_or(r.text().await.expect("body")))
}

fn unread_rows(html: &str) -> usize {
    html.matches("class=\"inbox-item unread\"").count()
}

fn rows(html: &str) -> usize {
    html.matches("class=\"inbox-item").count()
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn the_inbox_lists_unread_conversations_in_bold_and_its_tabs_and_filters_narrow_it(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    t.user("acme", "ana@acme.test", Role::Admin).await;
    t.user("acme", "luis@acme.test", Role::Agent).await;
    let first = take(
        &t,
        &mail("m1@mail.test", "lucia@mail.test", "Pedido sin llegar"),
    )
    .await;
    let second = take(
        &t,
        &mail("m2@mail.test", "rosa@mail.test", "Factura duplicada"),
    )
    .await;
    let (c, csrf) = t.login("luis@acme.test").await;

    let (s, html) = page(&t, &c, "/inbox").await;
    assert_eq!(s, 200, "{html}");
    assert!(html.contains("Pedido sin llegar") && html.contains("Factura duplicada"));
    assert_eq!(unread_rows(&html), 2, "{html}");
    assert!(
        html.contains("href=\"/inbox\""),
        "the navigation links the inbox"
    );
    assert!(html.contains("data-unread=\"2\""), "the badge counts two");

    // Opening one marks it read: no longer bold, and the badge counts one.
    let (s, _) = page(&t, &c, &format!("/inbox/{first}")).await;
    assert_eq!(s, 200);
    let (_, html) = page(&t, &c, "/inbox").await;
    assert_eq!((rows(&html), unread_rows(&html)), (2, 1), "{html}");
    assert!(html.contains("data-unread=\"1\""));

    // Assigned to Luis and labelled: "Mine", "Unassigned" and the label tell them apart.
    let luis = t
        .principal("acme", "luis@acme.test")
        .await
        .user_id
        .to_string();
    let (s, to) = form(
        &t,
        &c,
        &format!("/inbox/{first}/assign"),
        &[("_csrf", &csrf), ("assignee", &luis), ("team", "")],
    )
    .await;
    assert_eq!(
        (s, to.as_str()),
        (303, format!("/inbox/{first}?flash=assigned").as_str())
    );
    let (s, _) = form(
        &t,
        &c,
        &format!("/inbox/{first}/labels"),
        &[("_csrf", &csrf), ("labels", "Urgente, envíos")],
    )
    .await;
    assert_eq!(s, 303);
    let (_, mine) = page(&t, &c, "/inbox?who=mine").await;
    assert!(
        mine.contains("Pedido sin llegar") && !mine.contains("Factura duplicada"),
        "{mine}"
    );
    assert!(mine.contains("class=\"label-chip\">urgente<"), "{mine}");
    let (_, none) = page(&t, &c, "/inbox?who=none").await;
    assert!(!none.contains("Pedido sin llegar") && none.contains("Factura duplicada"));
    let (_, labelled) = page(&t, &c, "/inbox?label=URGENTE").await;
    assert_eq!(rows(&labelled), 1, "{labelled}");

    // Resolved, it leaves the open tab for the resolved one.
    let (s, _) = form(
        &t,
        &c,
        &format!("/inbox/{first}/status"),
        &[("_csrf", &csrf), ("status", "resolved")],
    )
    .await;
    assert_eq!(s, 303);
    let (_, open) = page(&t, &c, "/inbox").await;
    assert!(!open.contains("Pedido sin llegar") && open.contains("Factura duplicada"));
    let (_, resolved) = page(&t, &c, "/inbox?status=resolved").await;
    assert!(resolved.contains("Pedido sin llegar") && !resolved.contains("Factura duplicada"));
    let (_, all) = page(&t, &c, "/inbox?status=all").await;
    assert_eq!(rows(&all), 2);

    // Snoozed until a time typed in the browser's (UTC+1) time; a past time is refused.
    let (s, _) = form(
        &t,
        &c,
        &format!("/inbox/{second}/status"),
        &[
            ("_csrf", &csrf),
            ("status", "snoozed"),
            ("until", "2099-01-01T10:00"),
            ("tz", "60"),
        ],
    )
    .await;
    assert_eq!(s, 303);
    let (_, snoozed) = page(&t, &c, "/inbox?status=snoozed").await;
    assert!(
        snoozed.contains("Factura duplicada") && snoozed.contains("2099-01-01 09:00 UTC"),
        "{snoozed}"
    );
    let (s, body) = form(
        &t,
        &c,
        &format!("/inbox/{second}/status"),
        &[
            ("_csrf", &csrf),
            ("status", "snoozed"),
            ("until", "2001-01-01T10:00"),
        ],
    )
    .await;
    assert_eq!(s, 422);
    assert!(
        body.contains("Choose a date and time in the future."),
        "{body}"
    );

    // A filter that matches nothing says so; a stale cursor or channel is ignored.
    let (_, none) = page(&t, &c, "/inbox?status=all&channel=web_form").await;
    assert!(
        none.contains("No conversation matches these filters."),
        "{none}"
    );
    let (s, _) = page(&t, &c, "/inbox?before=nonsense&channel=fax&team=x").await;
    assert_eq!(s, 200);

    // A form without its CSRF token is refused.
    let (s, _) = form(
        &t,
        &c,
        &format!("/inbox/{first}/status"),
        &[("status", "open")],
    )
    .await;
    assert_eq!(s, 403);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn a_conversation_shows_its_notes_status_and_assignment_to_those_who_serve(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    t.user("acme", "ana@acme.test", Role::Admin).await;
    t.user("acme", "luis@acme.test", Role::Agent).await;
    t.user("acme", "jorge@acme.test", Role::Sales).await;
    t.user("acme", "mar@acme.test", Role::Marketer).await;
    let conv = take(
        &t,
        &mail("m1@mail.test", "lucia@mail.test", "Pedido sin llegar"),
    )
    .await;
    let (c, csrf) = t.login("luis@acme.test").await;
    let path = format!("/inbox/{conv}");

    let (s, html) = page(&t, &c, &path).await;
    assert_eq!(s, 200);
    assert!(html.contains("Mi pedido PED-1 no ha llegado."), "{html}");
    assert!(
        html.contains("href=\"/customers/"),
        "the customer is linked"
    );
    assert!(
        html.contains("Lucía Pérez") && html.contains("&lt;lucia@mail.test&gt;"),
        "{html}"
    );
    assert!(
        html.contains("[#VC-") || html.contains("VC-"),
        "the reference token is shown"
    );

    let (s, to) = form(
        &t,
        &c,
        &format!("{path}/notes"),
        &[("_csrf", &csrf), ("body", "Llamar al almacén <mañana>")],
    )
    .await;
    assert_eq!(s, 303);
    assert!(
        to.starts_with(&format!("{path}?flash=note_added#e-")),
        "{to}"
    );
    let (_, html) = page(&t, &c, &format!("{path}?flash=note_added")).await;
    assert!(html.contains("Note added."));
    let note = html.find("class=\"entry note\"").expect("a note entry");
    assert!(html[note..].contains("Internal note"));
    assert!(
        html[note..].contains("Llamar al almacén &lt;mañana&gt;"),
        "{html}"
    );
    let (s, body) = form(
        &t,
        &c,
        &format!("{path}/notes"),
        &[("_csrf", &csrf), ("body", "   ")],
    )
    .await;
    assert_eq!(s, 422);
    assert!(body.contains("Write a note of 1 to 10,000 characters."));

    let (s, _) = form(
        &t,
        &c,
        &format!("{path}/status"),
        &[("_csrf", &csrf), ("status", "pending")],
    )
    .await;
    assert_eq!(s, 303);
    let luis = t
        .principal("acme", "luis@acme.test")
        .await
        .user_id
        .to_string();
    let (s, _) = form(
        &t,
        &c,
        &format!("{path}/assign"),
        &[("_csrf", &csrf), ("assignee", &luis), ("team", "")],
    )
    .await;
    assert_eq!(s, 303);
    let (_, html) = page(&t, &c, &path).await;
    assert!(html.contains("class=\"badge st-pending\""), "{html}");
    assert!(
        html.contains(&format!("option value=\"{luis}\" selected")),
        "{html}"
    );
    // Only people who answer customers are offered: not the sales rep or the marketer.
    assert!(
        !html.contains(">jorge<") && !html.contains(">mar<"),
        "{html}"
    );
    let jorge = t
        .principal("acme", "jorge@acme.test")
        .await
        .user_id
        .to_string();
    let (s, body) = form(
        &t,
        &c,
        &format!("{path}/assign"),
        &[("_csrf", &csrf), ("assignee", &jorge)],
    )
    .await;
    assert_eq!(s, 422);
    assert!(
        body.contains("That person cannot answer customers"),
        "{body}"
    );

    // A sales rep reads the conversation without its controls; a marketer has no inbox.
    let (sales, _) = t.login("jorge@acme.test").await;
    let (s, html) = page(&t, &sales, &path).await;
    assert_eq!(s, 200);
    assert!(
        !html.contains("/notes\"") && !html.contains("/status\""),
        "{html}"
    );
    let (mar, _) = t.login("mar@acme.test").await;
    let (s, _) = page(&t, &mar, "/inbox").await;
    assert_eq!(s, 403);
    let (_, home) = page(&t, &mar, "/app").await;
    assert!(!home.contains("href=\"/inbox\""));
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn the_demo_inbox_has_threads_in_every_state(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    vinculo_app::demo::seed(&t.app).await.expect("demo");
    let ana = t.principal("demo", "ana@demo.vinculo.test").await;
    let all = vinculo_store::conversations::InboxFilter::default();
    let page = vinculo_app::conversations::inbox::list(&t.app, &ana, &all, None, 50)
        .await
        .expect("inbox");
    let mut states: Vec<&str> = page
        .items
        .iter()
        .map(|r| r.conversation.status.as_str())
        .collect();
    states.sort_unstable();
    assert_eq!(
        states,
        ["open", "open", "open", "pending", "resolved", "snoozed"]
    );
    let senders: std::collections::HashSet<&str> = page
        .items
        .iter()
        .map(|r| r.customer_name.as_str())
        .collect();
    assert_eq!(senders.len(), 6, "six customers wrote");
    // The two nobody has taken wait unread for the admin.
    assert_eq!(
        vinculo_app::conversations::inbox::unread(&t.app, &ana)
            .await
            .expect("unread"),
        2
    );
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn replies_show_their_delivery_and_auto_replies_and_bounces_are_system_lines(
    #[case] backend: Backend,
) {
    use vinculo_domain::conversations::{Delivery, EntryKind};
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    t.user("acme", "ana@acme.test", Role::Admin).await;
    let conv = take(&t, &mail("c1@mail.test", "rosa@mail.test", "Factura")).await;
    // Our reply, as the outbox will record it.
    let actor = t.principal("acme", "ana@acme.test").await;
    let mut tx = t.db.begin().await.expect("tx");
    vinculo_store::conversations::add_entry(
        &mut tx,
        actor.workspace_id,
        &vinculo_store::conversations::NewEntry {
            id: vinculo_domain::ids::EntryId::new(),
            conversation_id: conv,
            kind: EntryKind::Outbound,
            interaction_id: None,
            message_id: Some("reply-1@acme.test"),
            author_id: Some(actor.user_id),
            body: Some("Le escribimos mañana."),
            delivery: Some(Delivery::Sent),
            at: time::OffsetDateTime::now_utc(),
        },
    )
    .await
    .expect("reply");
    tx.commit().await.expect("commit");
    let mut ooo = mail("o1@mail.test", "rosa@mail.test", "Fuera de la oficina");
    ooo.answers = vec!["reply-1@acme.test".into()];
    ooo.class = Classified::AutoReply;
    take(&t, &ooo).await;
    let mut bounce = mail("d1@mx.test", "MAILER-DAEMON@mx.test", "Undelivered");
    bounce.text = Some("The mail system could not deliver it.".into());
    bounce.class = Classified::Bounce {
        original_message_id: Some("reply-1@acme.test".into()),
        recipient: Some("rosa@mail.test".into()),
        status: Some("5.1.1 user unknown".into()),
    };
    take(&t, &bounce).await;

    let (c, _) = t.login("ana@acme.test").await;
    let (s, html) = page(&t, &c, &format!("/inbox/{conv}")).await;
    assert_eq!(s, 200);
    let reply = html.find("class=\"entry msg msg-out\"").expect("the reply");
    assert!(html[reply..].contains("Le escribimos mañana."), "{html}");
    assert!(
        html[reply..].contains("Undeliverable: rosa@mail.test: 5.1.1 user unknown"),
        "{html}"
    );
    assert_eq!(html.matches("class=\"entry sys\"").count(), 2, "{html}");
    assert!(html.contains("Automatic reply") && html.contains("Delivery failure report"));
    assert!(html.contains("The mail system could not deliver it."));
}
