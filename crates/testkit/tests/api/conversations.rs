//! The shared inbox's intake: a message becomes an e-mail interaction of its sender and an
//! entry of a conversation, threaded by the ids it answers or the token in its subject;
//! duplicates, automatic replies, bounces and list mail are told apart. On both backends.
use crate::interactions::admin;
use rstest::rstest;
use vinculo_app::conversations::{receive, Attachment, Classified, InboundMessage, Received};
use vinculo_domain::conversations::{Channel, Delivery, EntryKind, Status, StatusChange};
use vinculo_domain::ids::{ConversationId, EntryId};
use vinculo_store::conversations::{self as store, Assignee, InboxFilter};
use vinculo_testkit::{Backend, TestApp};

fn mail(id: &str, from: &str, subject: &str, answers: &[&str]) -> InboundMessage {
    InboundMessage {
        channel: Channel::Email,
        mail_channel_id: None,
        message_id: id.to_owned(),
        answers: answers.iter().map(|a| (*a).to_owned()).collect(),
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

fn added(r: &Received) -> (ConversationId, bool) {
    match r {
        Received::Added {
            conversation_id,
            new_conversation,
            ..
        } => (*conversation_id, *new_conversation),
        other => panic!("not added: {other:?}"),
    }
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn a_thread_of_messages_is_one_conversation_on_the_senders_timeline(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let _ = admin(&t).await;
    let actor = t.principal("acme", "ana@acme.test").await;
    let ws = actor.workspace_id;

    // A first message from an unknown sender: a prospect and a new conversation.
    let mut first = mail("a1@mail.test", "Lucia@Mail.test", "Pedido sin llegar", &[]);
    first.attachments.push(Attachment {
        filename: "factura.pdf".into(),
        content_type: "application/pdf".into(),
        size: 5,
        content_id: None,
        inline: false,
        data: Some(b"%PDF-".to_vec()),
        refused: None,
    });
    first.attachments.push(Attachment {
        filename: "video.mov".into(),
        content_type: "video/quicktime".into(),
        size: 90_000_000,
        content_id: None,
        inline: false,
        data: None,
        refused: Some("too large".into()),
    });
    let r1 = receive(&t.app, &actor, &first).await.expect("first");
    let (conv, new) = added(&r1);
    assert!(new);

    // The same message again (a mailbox read twice): nothing new.
    let again = receive(&t.app, &actor, &first).await.expect("again");
    assert_eq!(
        again,
        Received::Duplicate {
            conversation_id: conv
        }
    );

    // A reply by its headers, and one whose headers were lost but whose subject keeps the token.
    let r2 = receive(
        &t.app,
        &actor,
        &mail(
            "a2@mail.test",
            "lucia@mail.test",
            "Re: Pedido",
            &["a1@mail.test"],
        ),
    )
    .await
    .expect("reply");
    assert_eq!(added(&r2), (conv, false));
    let mut conn = t.db.conn().await.expect("conn");
    let token = store::get(&mut conn, ws, conv)
        .await
        .expect("get")
        .expect("conv")
        .token;
    drop(conn);
    let subject = format!("RE: Pedido [#{}]", token.to_lowercase());
    let r3 = receive(
        &t.app,
        &actor,
        &mail("a3@mail.test", "lucia@mail.test", &subject, &[]),
    )
    .await
    .expect("token reply");
    assert_eq!(added(&r3), (conv, false));

    // Another subject with no reference: a conversation of its own, same customer.
    let r4 = receive(
        &t.app,
        &actor,
        &mail("b1@mail.test", "lucia@mail.test", "Otra consulta", &[]),
    )
    .await
    .expect("other");
    let (other, new) = added(&r4);
    assert!(new);
    assert_ne!(other, conv);

    let thread = vinculo_app::conversations::thread(&t.app, &actor, conv)
        .await
        .expect("thread");
    assert_eq!(thread.entries.len(), 3);
    assert!(thread.entries.iter().all(|e| e.kind == EntryKind::Inbound));
    let mut conn = t.db.conn().await.expect("conn");
    let first_interaction = thread.entries[0].interaction_id.expect("interaction");
    let i = vinculo_store::interactions::get(&mut conn, ws, first_interaction)
        .await
        .expect("get")
        .expect("interaction");
    assert_eq!(i.channel.as_str(), "email");
    assert_eq!(i.customer_id, thread.conversation.customer_id);
    let files = vinculo_store::attachments::of_interactions(&mut conn, ws, &[first_interaction])
        .await
        .expect("files");
    assert_eq!(files.len(), 2);
    let pdf = files
        .iter()
        .find(|f| f.filename == "factura.pdf")
        .expect("pdf");
    let (_, bytes) = vinculo_store::attachments::data(&mut conn, ws, pdf.id)
        .await
        .expect("data")
        .expect("file");
    assert_eq!(bytes.as_deref(), Some(&b"%PDF-"[..]));
    let mov = files
        .iter()
        .find(|f| f.filename == "video.mov")
        .expect("listed");
    assert_eq!(mov.refused.as_deref(), Some("too large"));

    // The inbox lists both, newest activity first, unread until read.
    let page = store::inbox(
        &mut conn,
        ws,
        actor.user_id,
        &InboxFilter::default(),
        None,
        10,
    )
    .await
    .expect("inbox");
    assert_eq!(page.items.len(), 2);
    assert_eq!(page.items[0].conversation.id, other);
    assert!(page.items.iter().all(|r| r.unread));
    assert_eq!(page.items[0].customer_name, "Lucía Pérez");
    assert_eq!(
        store::unread_count(&mut conn, ws, actor.user_id)
            .await
            .expect("count"),
        2
    );
    drop(conn);
    let mut tx = t.db.begin().await.expect("tx");
    store::mark_read(
        &mut tx,
        ws,
        conv,
        actor.user_id,
        time::OffsetDateTime::now_utc(),
    )
    .await
    .expect("read");
    tx.commit().await.expect("commit");
    let mut conn = t.db.conn().await.expect("conn");
    assert_eq!(
        store::unread_count(&mut conn, ws, actor.user_id)
            .await
            .expect("count"),
        1
    );

    // A page at a time.
    let one = store::inbox(
        &mut conn,
        ws,
        actor.user_id,
        &InboxFilter::default(),
        None,
        1,
    )
    .await
    .expect("page 1");
    let next = one.next.expect("more");
    let two = store::inbox(
        &mut conn,
        ws,
        actor.user_id,
        &InboxFilter::default(),
        Some(&next),
        1,
    )
    .await
    .expect("page 2");
    assert_eq!(two.items[0].conversation.id, conv);
    assert!(!two.items[0].unread);
    assert!(two.next.is_none());
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn auto_replies_bounces_and_list_mail_are_not_the_customer_writing(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let _ = admin(&t).await;
    let actor = t.principal("acme", "ana@acme.test").await;
    let ws = actor.workspace_id;
    let (conv, _) = added(
        &receive(
            &t.app,
            &actor,
            &mail("c1@mail.test", "rosa@mail.test", "Factura", &[]),
        )
        .await
        .expect("first"),
    );
    // Our reply (the outbox comes later; here its entry as it will be recorded).
    let now = time::OffsetDateTime::now_utc();
    let mut tx = t.db.begin().await.expect("tx");
    store::add_entry(
        &mut tx,
        ws,
        &store::NewEntry {
            id: EntryId::new(),
            conversation_id: conv,
            kind: EntryKind::Outbound,
            interaction_id: None,
            message_id: Some("reply-1@acme.test"),
            author_id: Some(actor.user_id),
            body: None,
            delivery: Some(Delivery::Sent),
            at: now,
        },
    )
    .await
    .expect("reply");
    let (status, until) = StatusChange::Resolve.apply(now).expect("resolve");
    store::set_status(&mut tx, ws, conv, status, until, now)
        .await
        .expect("status");
    tx.commit().await.expect("commit");

    // Out of office: kept in the thread, the conversation stays resolved.
    let mut ooo = mail(
        "o1@mail.test",
        "rosa@mail.test",
        "Fuera de la oficina",
        &["reply-1@acme.test"],
    );
    ooo.class = Classified::AutoReply;
    assert_eq!(
        added(&receive(&t.app, &actor, &ooo).await.expect("ooo")),
        (conv, false)
    );
    // A bounce of our reply: the reply is marked undeliverable with the reason.
    let mut bounce = mail(
        "d1@mx.test",
        "MAILER-DAEMON@mx.test",
        "Undelivered Mail",
        &[],
    );
    bounce.class = Classified::Bounce {
        original_message_id: Some("reply-1@acme.test".into()),
        recipient: Some("rosa@mail.test".into()),
        status: Some("5.1.1 user unknown".into()),
    };
    assert_eq!(
        added(&receive(&t.app, &actor, &bounce).await.expect("bounce")),
        (conv, false)
    );
    // A list message: set aside, no customer made of the list.
    let mut list = mail("l1@list.test", "news@list.test", "Boletín", &[]);
    list.class = Classified::List;
    assert_eq!(
        receive(&t.app, &actor, &list).await.expect("list"),
        Received::SetAside
    );
    // An auto-reply answering nothing we know: set aside.
    let mut stray = mail(
        "o2@mail.test",
        "x@mail.test",
        "Automatic reply",
        &["nothing@x"],
    );
    stray.class = Classified::AutoReply;
    assert_eq!(
        receive(&t.app, &actor, &stray).await.expect("stray"),
        Received::SetAside
    );

    let thread = vinculo_app::conversations::thread(&t.app, &actor, conv)
        .await
        .expect("thread");
    assert_eq!(thread.conversation.status, Status::Resolved);
    let kinds: Vec<EntryKind> = thread.entries.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            EntryKind::Inbound,
            EntryKind::Outbound,
            EntryKind::AutoReply,
            EntryKind::Bounce
        ]
    );
    assert_eq!(thread.entries[1].delivery, Some(Delivery::Undeliverable));
    assert_eq!(
        thread.entries[1].delivery_error.as_deref(),
        Some("rosa@mail.test: 5.1.1 user unknown")
    );
    // Only Rosa became a customer: not the list, not the mailer daemon.
    let mut conn = t.db.conn().await.expect("conn");
    let mine = InboxFilter {
        assignee: Assignee::Anyone,
        ..InboxFilter::default()
    };
    let page = store::inbox(&mut conn, ws, actor.user_id, &mine, None, 10)
        .await
        .expect("inbox");
    assert_eq!(page.items.len(), 1);

    // The customer writing again opens it.
    let back = mail(
        "c2@mail.test",
        "rosa@mail.test",
        "Re: Factura",
        &["reply-1@acme.test"],
    );
    receive(&t.app, &actor, &back).await.expect("back");
    let thread = vinculo_app::conversations::thread(&t.app, &actor, conv)
        .await
        .expect("thread");
    assert_eq!(thread.conversation.status, Status::Open);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn admins_connect_mailboxes_whose_passwords_go_in_sealed_and_never_come_out(
    #[case] backend: Backend,
) {
    use crate::interactions::{get, post};
    use serde_json::json;
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let body = json!({
        "name": "Soporte", "address": "Soporte@Acme.test",
        "imap": {"host": "imap.acme.test", "username": "soporte", "password": "imap-s3cret"},
        "smtp": {"host": "smtp.acme.test", "security": "starttls", "username": "soporte", "password": "smtp-s3cret"}
    });
    let (s, v) = post(&t, &c, "/api/v1/mail-channels", body.clone()).await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["address"], "soporte@acme.test");
    assert_eq!(v["imap"]["port"], 993);
    assert_eq!(v["smtp"]["port"], 587);
    assert!(!v.to_string().contains("s3cret"), "{v}");
    let id = v["id"].as_str().expect("id").to_owned();

    // Stored sealed: not in the database as text, and it opens back for the reader.
    let actor = t.principal("acme", "ana@acme.test").await;
    let stored =
        vinculo_app::conversations::mailboxes::get(&t.app, &actor, id.parse().expect("uuid"))
            .await
            .expect("get");
    assert!(!stored
        .imap
        .sealed_password
        .windows(6)
        .any(|w| w == b"s3cret"));
    let (imap, smtp) =
        vinculo_app::conversations::mailboxes::passwords(&t.app, &stored).expect("open");
    assert_eq!(
        (imap.as_str(), smtp.as_str()),
        ("imap-s3cret", "smtp-s3cret")
    );

    // The same address twice is a conflict; bad fields are named.
    let (s, _) = post(&t, &c, "/api/v1/mail-channels", body).await;
    assert_eq!(s, 409);
    let (s, v) = post(
        &t,
        &c,
        "/api/v1/mail-channels",
        json!({"name": "X", "address": "x@acme.test",
               "imap": {"host": "imap.acme.test", "security": "none", "username": "u", "password": "p"},
               "smtp": {"host": "smtp acme", "port": 0, "username": "u", "password": "p"}}),
    )
    .await;
    assert_eq!(s, 422, "{v}");
    let fields: Vec<&str> = v["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(fields, ["imap.security", "smtp.host", "smtp.port"], "{v}");

    // A change without passwords keeps them; a new folder starts reading again.
    let r = c
        .put(t.url(&format!("/api/v1/mail-channels/{id}")))
        .json(&json!({
            "name": "Soporte ES", "address": "soporte@acme.test", "folder": "Soporte",
            "imap": {"host": "imap.acme.test", "username": "soporte"},
            "smtp": {"host": "smtp.acme.test", "security": "starttls", "username": "soporte"}
        }))
        .send()
        .await
        .expect("put");
    assert_eq!(r.status().as_u16(), 200);
    let stored =
        vinculo_app::conversations::mailboxes::get(&t.app, &actor, id.parse().expect("uuid"))
            .await
            .expect("get");
    assert_eq!(stored.folder, "Soporte");
    let (imap, _) =
        vinculo_app::conversations::mailboxes::passwords(&t.app, &stored).expect("open");
    assert_eq!(imap, "imap-s3cret");

    // Agents cannot connect or see mailboxes' settings change; the list shows it to admins.
    t.user("acme", "luis@acme.test", vinculo_domain::auth::Role::Agent)
        .await;
    let agent = t.bearer(&t.token("acme", "luis@acme.test", "read,write").await);
    let (s, _) = post(&t, &agent, "/api/v1/mail-channels", json!({})).await;
    assert_eq!(s, 403);
    let (s, v) = get(&t, &c, "/api/v1/mail-channels").await;
    assert_eq!(s, 200);
    assert_eq!(v.as_array().map(Vec::len), Some(1));
    let r = c
        .delete(t.url(&format!("/api/v1/mail-channels/{id}")))
        .send()
        .await
        .expect("delete");
    assert_eq!(r.status().as_u16(), 204);
    let (s, _) = get(&t, &c, &format!("/api/v1/mail-channels/{id}")).await;
    assert_eq!(s, 404);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn agents_work_the_inbox_over_the_api(#[case] backend: Backend) {
    use crate::interactions::{get, post};
    use serde_json::json;
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let actor = t.principal("acme", "ana@acme.test").await;
    let luis = t
        .user("acme", "luis@acme.test", vinculo_domain::auth::Role::Agent)
        .await;
    let agent = t.bearer(&t.token("acme", "luis@acme.test", "read,write").await);
    t.user(
        "acme",
        "mar@acme.test",
        vinculo_domain::auth::Role::Marketer,
    )
    .await;
    let marketer = t.bearer(&t.token("acme", "mar@acme.test", "read,write").await);
    let (first, _) = added(
        &receive(
            &t.app,
            &actor,
            &mail("m1@mail.test", "lucia@mail.test", "Pedido", &[]),
        )
        .await
        .expect("m1"),
    );
    let (second, _) = added(
        &receive(
            &t.app,
            &actor,
            &mail("m2@mail.test", "rosa@mail.test", "Factura", &[]),
        )
        .await
        .expect("m2"),
    );

    let (s, v) = get(&t, &agent, "/api/v1/conversations:unread").await;
    assert_eq!((s, v["unread"].as_u64()), (200, Some(2)), "{v}");
    let (s, v) = get(&t, &agent, "/api/v1/conversations?status=open").await;
    assert_eq!(s, 200, "{v}");
    let items = v["data"].as_array().expect("data");
    assert!(
        v.get("items").is_none() && v.get("next_cursor").is_some(),
        "{v}"
    );
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["id"], second.to_string());
    assert_eq!(items[0]["unread"], true);

    // Opening one marks it read for the agent (not for others).
    let (s, v) = get(&t, &agent, &format!("/api/v1/conversations/{first}")).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["entries"][0]["kind"], "inbound");
    assert_eq!(v["entries"][0]["interaction"]["channel"], "email");
    assert_eq!(
        v["entries"][0]["interaction"]["body"],
        "Mi pedido PED-1 no ha llegado."
    );
    let (_, v) = get(&t, &agent, "/api/v1/conversations:unread").await;
    assert_eq!(v["unread"].as_u64(), Some(1));
    let (_, v) = get(&t, &c, "/api/v1/conversations:unread").await;
    assert_eq!(v["unread"].as_u64(), Some(2));

    // Assign, label, note, snooze; then filter by them.
    let r = agent
        .patch(t.url(&format!("/api/v1/conversations/{first}")))
        .json(
            &json!({"assignee_id": luis.to_string(), "labels": [" Envíos ", "urgente", "envíos"]}),
        )
        .send()
        .await
        .expect("patch");
    assert_eq!(r.status().as_u16(), 200);
    let v: serde_json::Value = r.json().await.expect("json");
    assert_eq!(v["conversation"]["labels"], json!(["envíos", "urgente"]));
    let (s, _) = post(
        &t,
        &agent,
        &format!("/api/v1/conversations/{first}/notes"),
        json!({"body": "Llamar al almacén"}),
    )
    .await;
    assert_eq!(s, 201);
    let (_, v) = get(&t, &agent, "/api/v1/conversations?assignee=me").await;
    assert_eq!(v["data"].as_array().map(Vec::len), Some(1));
    let (_, v) = get(&t, &agent, "/api/v1/conversations?label=Urgente").await;
    assert_eq!(v["data"][0]["id"], first.to_string());
    let (_, v) = get(&t, &agent, "/api/v1/conversations?assignee=none").await;
    assert_eq!(v["data"][0]["id"], second.to_string());
    let r = agent
        .patch(t.url(&format!("/api/v1/conversations/{second}")))
        .json(&json!({"status": "snoozed", "snoozed_until": "2099-01-01T09:00:00Z"}))
        .send()
        .await
        .expect("snooze");
    assert_eq!(r.status().as_u16(), 200);
    let (_, v) = get(&t, &agent, "/api/v1/conversations?status=snoozed").await;
    assert_eq!(v["data"][0]["snoozed_until"], "2099-01-01T09:00:00Z");
    let (_, v) = get(&t, &agent, &format!("/api/v1/conversations/{first}")).await;
    let kinds: Vec<&str> = v["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert_eq!(kinds, ["inbound", "note"]);

    // Bad input is named; a marketer does not work the inbox; another workspace sees nothing.
    let r = agent
        .patch(t.url(&format!("/api/v1/conversations/{first}")))
        .json(&json!({"status": "snoozed", "snoozed_until": "2001-01-01T00:00:00Z"}))
        .send()
        .await
        .expect("past");
    assert_eq!(r.status().as_u16(), 422);
    let r = agent
        .patch(t.url(&format!("/api/v1/conversations/{first}")))
        .json(&json!({"assignee_id": t.user("acme", "eva@acme.test", vinculo_domain::auth::Role::Marketer).await.to_string()}))
        .send()
        .await
        .expect("bad assignee");
    assert_eq!(r.status().as_u16(), 422);
    let (s, _) = get(&t, &agent, "/api/v1/conversations?status=closed").await;
    assert_eq!(s, 422);
    // A query string that does not parse is a problem like any other list's.
    let r = agent
        .get(t.url("/api/v1/conversations?limit=many"))
        .send()
        .await
        .expect("bad limit");
    assert_eq!(r.status().as_u16(), 422);
    assert_eq!(
        r.headers()["content-type"].to_str().unwrap_or_default(),
        "application/problem+json"
    );
    let (s, _) = get(&t, &marketer, "/api/v1/conversations").await;
    assert_eq!(s, 403);
    t.user(
        "other",
        "olga@other.test",
        vinculo_domain::auth::Role::Admin,
    )
    .await;
    let other = t.bearer(&t.token("other", "olga@other.test", "read,write").await);
    let (s, _) = get(&t, &other, &format!("/api/v1/conversations/{first}")).await;
    assert_eq!(s, 404);
    let (_, v) = get(&t, &other, "/api/v1/conversations").await;
    assert_eq!(v["data"].as_array().map(Vec::len), Some(0));
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn a_merge_takes_the_conversations_to_the_survivor_and_its_undo_brings_them_back(
    #[case] backend: Backend,
) {
    use crate::interactions::post;
    use serde_json::json;
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let actor = t.principal("acme", "ana@acme.test").await;
    let (conv, _) = added(
        &receive(
            &t.app,
            &actor,
            &mail("x1@mail.test", "lucia.perez@mail.test", "Pedido", &[]),
        )
        .await
        .expect("mail"),
    );
    let thread = vinculo_app::conversations::thread(&t.app, &actor, conv)
        .await
        .expect("thread");
    let loser = thread.conversation.customer_id;
    let (s, v) = post(
        &t,
        &c,
        "/api/v1/customers",
        json!({"given_name": "Lucía", "family_name": "Pérez"}),
    )
    .await;
    assert_eq!(s, 201, "{v}");
    let survivor = v["id"].as_str().expect("id").to_owned();
    let (s, m) = post(
        &t,
        &c,
        "/api/v1/customers:merge",
        json!({"survivor": survivor, "merge": [loser.to_string()]}),
    )
    .await;
    assert_eq!(s, 201, "{m}");
    assert_eq!(m["moved"]["conversations"], 1, "{m}");
    let thread = vinculo_app::conversations::thread(&t.app, &actor, conv)
        .await
        .expect("thread");
    assert_eq!(thread.conversation.customer_id.to_string(), survivor);
    let merge = m["id"].as_str().expect("merge id");
    let (s, v) = post(&t, &c, &format!("/api/v1/merges/{merge}/undo"), json!({})).await;
    assert_eq!(s, 200, "{v}");
    let thread = vinculo_app::conversations::thread(&t.app, &actor, conv)
        .await
        .expect("thread");
    assert_eq!(thread.conversation.customer_id, loser);
}
