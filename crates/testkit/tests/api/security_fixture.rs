//! One of everything a route can name, made fresh in a workspace through its API (and a
//! message arriving through its mailbox): what the role matrix and the workspace boundary
//! tests call every route with.
use crate::json;
use serde_json::{json, Value};
use std::collections::HashMap;
use vinculo_app::conversations::{receive, Attachment, Classified, InboundMessage, Received};
use vinculo_domain::auth::Role;
use vinculo_domain::conversations::Channel;
use vinculo_testkit::TestApp;

/// The ids a route's path names, by placeholder: `{customer}` is `ids["customer"]`.
pub(crate) struct Fixture {
    /// Also `pair_a` and `pair_b`: two customers left alone for a caller to merge.
    pub ids: HashMap<&'static str, String>,
    pub n: usize,
}

impl Fixture {
    /// `template` with each `{name}` replaced by the fixture's id of that name.
    pub fn path(&self, template: &str) -> String {
        let mut out = template.to_owned();
        for (name, id) in &self.ids {
            out = out.replace(&format!("{{{name}}}"), id);
        }
        assert!(!out.contains('{'), "no id for {template}");
        out
    }

    pub fn id(&self, name: &str) -> &str {
        self.ids
            .get(name)
            .unwrap_or_else(|| panic!("no {name} in the fixture"))
    }
}

/// POSTs `body` to the API as `c`, which must succeed; the answer.
pub(crate) async fn made(t: &TestApp, c: &reqwest::Client, path: &str, body: Value) -> Value {
    let r = c
        .post(t.url(&format!("/api/v1{path}")))
        .json(&body)
        .send()
        .await
        .expect("post");
    let status = r.status();
    let v = json(r).await;
    assert!(status.is_success(), "POST {path}: {status} {v}");
    v
}

fn id_of(v: &Value) -> String {
    v["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id in {v}"))
        .to_owned()
}

/// A mailbox on servers of this machine that are not there: connecting it fails at once.
pub(crate) fn mailbox_body(name: &str, address: &str) -> Value {
    let nowhere = json!({"host": "127.0.0.1", "port": 1, "security": "none",
                         "username": "u", "password": "p"});
    json!({"name": name, "address": address, "imap": nowhere, "smtp": nowhere, "enabled": false})
}

/// A customer's message with a file, arriving at `mailbox`: a conversation.
async fn conversation(t: &TestApp, ws: &str, admin: &str, mailbox: &str, n: usize) -> String {
    let actor = t.principal(ws, admin).await;
    let msg = InboundMessage {
        channel: Channel::Email,
        mail_channel_id: Some(mailbox.parse::<uuid::Uuid>().expect("uuid").into()),
        message_id: format!("{}@cliente.test", uuid::Uuid::new_v4().simple()),
        answers: Vec::new(),
        from_address: format!("cliente{n}@{ws}-cliente.test"),
        from_name: Some("Lucía Pérez".into()),
        to: vec![format!("soporte{n}@{ws}.test")],
        cc: Vec::new(),
        subject: "Pedido roto".into(),
        date: None,
        text: Some("Llegó roto.".into()),
        html: Some("<p>Llegó <b>roto</b>.</p>".into()),
        class: Classified::Customer,
        attachments: vec![Attachment {
            filename: "foto.png".into(),
            content_type: "image/png".into(),
            size: 4,
            content_id: None,
            inline: false,
            data: Some(b"\x89PNG".to_vec()),
            refused: None,
        }],
    };
    match receive(&t.app, &actor, &msg).await.expect("receive") {
        Received::Added {
            conversation_id, ..
        } => conversation_id.to_string(),
        other => panic!("{other:?}"),
    }
}

/// A reply the admin sent on `conversation`, left in doubt (its sender stopped mid-way), so
/// that it may be sent again.
async fn reply_in_doubt(t: &TestApp, admin: &reqwest::Client, conversation: &str) -> String {
    let v = made(
        t,
        admin,
        &format!("/conversations/{conversation}/replies"),
        json!({"body": "Lo siento."}),
    )
    .await;
    loop {
        let mut tx = t.db.begin().await.expect("tx");
        let at = time::OffsetDateTime::now_utc();
        let claimed = vinculo_store::outbox::claim_due(&mut tx, at, 100)
            .await
            .expect("claim");
        tx.commit().await.expect("commit");
        if claimed.is_empty() {
            break;
        }
    }
    vinculo_app::conversations::sender::doubt_interrupted(&t.app)
        .await
        .expect("doubt");
    id_of(&v)
}

/// Fresh entities in workspace `ws`, made by its admin `admin_email` (client `admin`); `n`
/// keeps names and keys apart between rounds.
pub(crate) async fn fixture(
    t: &TestApp,
    admin: &reqwest::Client,
    ws: &str,
    admin_email: &str,
    n: usize,
) -> Fixture {
    let mut ids = HashMap::new();
    let person = |name: String| json!({"given_name": name});
    let member = t
        .user(ws, &format!("target{n}@{ws}.test"), Role::Agent)
        .await;
    ids.insert("member", member.to_string());
    let post = |path: &'static str, body: Value| made(t, admin, path, body);
    ids.insert(
        "team",
        id_of(&post("/teams", json!({"name": format!("team-{n}")})).await),
    );
    let invite = json!({"email": format!("inv{n}@{ws}.test"), "role": "agent"});
    ids.insert("invite", id_of(&post("/invites", invite).await));
    let token = json!({"name": format!("tok-{n}"), "scopes": "read"});
    ids.insert("token", id_of(&post("/tokens", token).await));
    ids.insert(
        "customer",
        id_of(&post("/customers", person(format!("c{n}"))).await),
    );
    let org = json!({"name": format!("Org {n}")});
    ids.insert("organization", id_of(&post("/organizations", org).await));
    let field = json!({"label": format!("F{n}"), "key": format!("f{n}"), "field_type": "text"});
    ids.insert(
        "field",
        id_of(&post("/settings/custom-fields", field).await),
    );
    let view = json!({"name": format!("V{n}"), "query": "", "shared": true});
    ids.insert("view", id_of(&post("/views", view).await));
    let canned = json!({"name": format!("c{n}"), "body": "Hola", "shared": true});
    ids.insert("canned", id_of(&post("/canned-responses", canned).await));
    ids.insert("form", id_of(&post("/forms", form_body(n, "form")).await));
    let mailbox = mailbox_body(&format!("Soporte {n}"), &format!("soporte{n}@{ws}.test"));
    let mailbox = id_of(&post("/mail-channels", mailbox).await);
    let conv = conversation(t, ws, admin_email, &mailbox, n).await;
    let thread = admin
        .get(t.url(&format!("/api/v1/conversations/{conv}")))
        .send()
        .await
        .expect("thread");
    let thread = json(thread).await;
    let first = &thread["entries"][0];
    ids.insert("interaction", id_of(&first["interaction"]));
    ids.insert("attachment", id_of(&first["attachments"][0]));
    ids.insert("entry", reply_in_doubt(t, admin, &conv).await);
    ids.insert("conversation", conv);
    ids.insert("mailbox", mailbox);

    // A merge to read and undo, and two customers one interaction named together: a
    // suggestion to dismiss.
    let (a, b) = (
        id_of(&post("/customers", person(format!("ma{n}"))).await),
        id_of(&post("/customers", person(format!("mb{n}"))).await),
    );
    let merge = post("/customers:merge", json!({"survivor": a, "merge": [b]})).await;
    ids.insert("merge", id_of(&merge));
    let email = format!("dup{n}@{ws}-cliente.test");
    let phone = format!("61200{n:04}");
    let by_mail = json!({"given_name": "Marta", "emails": [{"value": email}]});
    let by_phone = json!({"given_name": "M.", "phones": [{"value": phone}]});
    let by_mail = id_of(&post("/customers", by_mail).await);
    let by_phone = id_of(&post("/customers", by_phone).await);
    let both =
        json!({"channel": "chat", "type": "message", "customer": {"email": email, "phone": phone}});
    post("/interactions", both).await;
    let list = admin
        .get(t.url("/api/v1/merge-suggestions?limit=200"))
        .send()
        .await
        .expect("suggestions");
    let list = json(list).await;
    let suggestion = list["data"]
        .as_array()
        .expect("data")
        .iter()
        .find(|s| {
            let pair = [&s["customer_a"], &s["customer_b"]];
            pair.contains(&&json!(by_mail)) && pair.contains(&&json!(by_phone))
        })
        .unwrap_or_else(|| panic!("no suggestion for {by_mail} and {by_phone}: {list}"));
    ids.insert("suggestion", id_of(suggestion));
    ids.insert(
        "pair_a",
        id_of(&post("/customers", person(format!("pa{n}"))).await),
    );
    ids.insert(
        "pair_b",
        id_of(&post("/customers", person(format!("pb{n}"))).await),
    );
    Fixture { ids, n }
}

/// A web form that makes a lead from an e-mail, its address named by `slug` and `n`.
pub(crate) fn form_body(n: usize, slug: &str) -> Value {
    json!({"name": format!("{slug} {n}"), "slug": format!("{slug}-{n}"), "language": "en",
           "outcome": "lead",
           "fields": [{"maps_to": "email", "label": "E-mail", "required": true}]})
}
