//! Canned responses over the API: agents keep private ones, managers share them, mistakes in
//! placeholders are refused with their position, and a response is filled in for a
//! conversation's customer and the calling agent. On both backends.
use crate::member::Member;
use rstest::rstest;
use serde_json::{json, Value};
use vinculo_app::conversations::{receive, Classified, InboundMessage, Received};
use vinculo_domain::auth::Role;
use vinculo_domain::conversations::Channel;
use vinculo_testkit::{Backend, TestApp};

async fn put(m: &Member<'_>, path: &str, body: Value) -> (u16, Value) {
    let r = m.c.put(m.url(path)).json(&body).send().await.expect("put");
    (r.status().as_u16(), crate::json(r).await)
}

async fn get(m: &Member<'_>, path: &str) -> (u16, Value) {
    let r = m.c.get(m.url(path)).send().await.expect("get");
    (r.status().as_u16(), crate::json(r).await)
}

fn names(v: &Value) -> Vec<&str> {
    v.as_array()
        .expect("list")
        .iter()
        .map(|r| r["name"].as_str().expect("name"))
        .collect()
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn agents_keep_their_own_managers_share_and_mistakes_are_named_where_they_are(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let boss = Member::join(&t, "acme", "luis@acme.test", Role::Manager).await;
    let ana = Member::join(&t, "acme", "ana@acme.test", Role::Agent).await;
    let eva = Member::join(&t, "acme", "eva@acme.test", Role::Agent).await;

    let (s, shared) = boss
        .post(
            "/canned-responses",
            json!({"name": "Saludo", "body": "Hola {{customer.given_name|cliente}}", "shortcut": "/Saludo", "shared": true}),
        )
        .await;
    assert_eq!(s, 201, "{shared}");
    assert_eq!(shared["shared"], true);
    assert_eq!(shared["shortcut"], "saludo");

    // An agent may not share, but keeps private ones; two agents may use the same name.
    let (s, v) = ana
        .post(
            "/canned-responses",
            json!({"name": "Mío", "body": "x", "shared": true}),
        )
        .await;
    assert_eq!(s, 422, "{v}");
    assert_eq!(v["errors"][0]["field"], "shared", "{v}");
    let (s, mine) = ana
        .post(
            "/canned-responses",
            json!({"name": "Despedida", "body": "Un saludo, {{agent.name}}"}),
        )
        .await;
    assert_eq!(s, 201, "{mine}");
    assert_eq!(mine["shared"], false);
    let (s, _) = eva
        .post(
            "/canned-responses",
            json!({"name": "Despedida", "body": "Atentamente"}),
        )
        .await;
    assert_eq!(s, 201);
    let (s, v) = boss
        .post(
            "/canned-responses",
            json!({"name": "Saludo", "body": "otro", "shared": true}),
        )
        .await;
    assert_eq!(s, 409, "{v}");

    // Mistakes in the text: the placeholder or the brace, with its line and column.
    let (s, v) = ana
        .post(
            "/canned-responses",
            json!({"name": "Mal", "body": "Hola,\n  {{cliente.nombre}}"}),
        )
        .await;
    assert_eq!(s, 422, "{v}");
    let e = &v["errors"][0];
    assert_eq!(
        (e["field"].as_str(), e["code"].as_str()),
        (Some("body"), Some("unknown_placeholder")),
        "{v}"
    );
    assert!(
        e["message"]
            .as_str()
            .is_some_and(|m| m.contains("{{cliente.nombre}}") && m.contains("line 2, column 3")),
        "{v}"
    );
    let (s, v) = ana
        .post(
            "/canned-responses",
            json!({"name": "Mal", "body": "Hola {{customer.given_name", "shortcut": "no vale"}),
        )
        .await;
    assert_eq!(s, 422, "{v}");
    let codes: Vec<&str> = v["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["code"].as_str())
        .collect();
    assert_eq!(codes, ["unbalanced_braces", "invalid_shortcut"], "{v}");

    // Each sees the shared ones and their own; another's private one is not there.
    let (_, list) = get(&eva, "/canned-responses").await;
    assert_eq!(names(&list), ["Despedida", "Saludo"]);
    let mine_id = mine["id"].as_str().expect("id");
    let (s, _) = get(&eva, &format!("/canned-responses/{mine_id}")).await;
    assert_eq!(s, 404);

    // Only managers and admins change a shared one.
    let shared_id = shared["id"].as_str().expect("id");
    let body = json!({"name": "Saludo", "body": "Buenas, {{customer.given_name|cliente}}.", "shared": true});
    let (s, _) = put(
        &ana,
        &format!("/canned-responses/{shared_id}"),
        body.clone(),
    )
    .await;
    assert_eq!(s, 403);
    let (s, v) = put(&boss, &format!("/canned-responses/{shared_id}"), body).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        eva.delete(&format!("/canned-responses/{mine_id}")).await,
        404
    );
    assert_eq!(
        ana.delete(&format!("/canned-responses/{mine_id}")).await,
        204
    );
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn a_response_is_filled_in_for_the_conversations_customer_and_the_caller(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let ana = Member::join(&t, "acme", "ana@acme.test", Role::Agent).await;
    let actor = t.principal("acme", "ana@acme.test").await;
    let msg = InboundMessage {
        channel: Channel::Email,
        mail_channel_id: None,
        message_id: "m1@cliente.test".into(),
        answers: Vec::new(),
        from_address: "lucia@cliente.test".into(),
        from_name: Some("Lucía Pérez".into()),
        to: vec!["soporte@acme.test".into()],
        cc: Vec::new(),
        subject: "Pedido {{agent.email}}".into(),
        date: None,
        text: Some("¿Dónde está mi pedido?".into()),
        html: None,
        class: Classified::Customer,
        attachments: Vec::new(),
    };
    let Received::Added {
        conversation_id, ..
    } = receive(&t.app, &actor, &msg).await.expect("receive")
    else {
        panic!("not added")
    };
    let (s, r) = ana
        .post(
            "/canned-responses",
            json!({"name": "Todo", "body": "Hola {{customer.given_name}} {{customer.family_name}} <{{customer.email}}>: «{{conversation.subject}}» ({{conversation.token}}). {{agent.name}}, {{workspace.name}}. {{customer.given_name}}!"}),
        )
        .await;
    assert_eq!(s, 201, "{r}");
    let (s, v) = get(
        &ana,
        &format!(
            "/conversations/{conversation_id}/canned-responses/{}",
            r["id"].as_str().expect("id")
        ),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let (_, conv) = get(&ana, &format!("/conversations/{conversation_id}")).await;
    let token = conv["conversation"]["token"].as_str().expect("token");
    // The subject holds braces: printed as they are, never expanded.
    assert_eq!(
        v["text"],
        format!("Hola Lucía Pérez <lucia@cliente.test>: «Pedido {{{{agent.email}}}}» ({token}). ana, acme. Lucía!")
    );
    let (s, _) = get(
        &ana,
        &format!(
            "/conversations/{conversation_id}/canned-responses/{}",
            uuid::Uuid::new_v4()
        ),
    )
    .await;
    assert_eq!(s, 404);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[tokio::test]
async fn the_settings_page_names_a_mistake_beside_its_field_and_the_picker_fills_in_text(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    t.user("acme", "ana@acme.test", Role::Agent).await;
    let actor = t.principal("acme", "ana@acme.test").await;
    let (browser, csrf) = t.login("ana@acme.test").await;
    let r = browser
        .post(t.url("/settings/canned-responses"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("name", "Saludo"),
            ("body", "Hola {{nombre}}"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 422);
    let html = r.text().await.expect("html");
    assert!(html.contains("id=\"err-body\""), "{html}");
    assert!(html.contains("line 1, column 6"), "{html}");
    assert!(
        html.contains("Hola {{nombre}}"),
        "the text typed is kept: {html}"
    );
    let r = browser
        .post(t.url("/settings/canned-responses"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("name", "Saludo"),
            ("body", "Hola {{customer.given_name|cliente}}"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 303);

    let mut msg = InboundMessage {
        channel: Channel::Email,
        mail_channel_id: None,
        message_id: "p1@cliente.test".into(),
        answers: Vec::new(),
        from_address: "lucia@cliente.test".into(),
        from_name: Some("Lucía Pérez".into()),
        to: Vec::new(),
        cc: Vec::new(),
        subject: "Hola".into(),
        date: None,
        text: Some("Hola".into()),
        html: None,
        class: Classified::Customer,
        attachments: Vec::new(),
    };
    msg.to.push("soporte@acme.test".into());
    let Received::Added {
        conversation_id, ..
    } = receive(&t.app, &actor, &msg).await.expect("receive")
    else {
        panic!("not added")
    };
    let page = browser
        .get(t.url(&format!("/inbox/{conversation_id}")))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(page.contains("data-canned-picker"), "{page}");
    let option = page.split("<option value=\"").nth(2).expect("an option");
    let id = &option[..36];
    let text = browser
        .get(t.url(&format!("/inbox/{conversation_id}/canned?canned={id}")))
        .send()
        .await
        .expect("rendered")
        .text()
        .await
        .expect("html");
    assert!(text.contains(">Hola Lucía</textarea>"), "{text}");
}
