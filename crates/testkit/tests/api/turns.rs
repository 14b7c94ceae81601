//! Assignment by turn: a team set to it gives each new conversation from its mailbox to the
//! member who was given one least recently, skipping disabled accounts and roles that do not
//! answer customers; an agent moving a conversation to such a team, or asking for "by turn",
//! gets the same. On both backends.
use crate::member::Member;
use rstest::rstest;
use serde_json::{json, Value};
use std::collections::HashMap;
use vinculo_app::conversations::{receive, Classified, InboundMessage, Received};
use vinculo_domain::auth::Role;
use vinculo_domain::conversations::Channel;
use vinculo_domain::ids::{ConversationId, MailChannelId};
use vinculo_testkit::{Backend, TestApp};

async fn patch(m: &Member<'_>, path: &str, body: Value) -> (u16, Value) {
    let r =
        m.c.patch(m.url(path))
            .json(&body)
            .send()
            .await
            .expect("patch");
    (r.status().as_u16(), crate::json(r).await)
}

fn mail(n: usize, mailbox: MailChannelId) -> InboundMessage {
    InboundMessage {
        channel: Channel::Email,
        mail_channel_id: Some(mailbox),
        message_id: format!("turn-{n}@cliente.test"),
        answers: Vec::new(),
        from_address: format!("cliente{n}@cliente.test"),
        from_name: None,
        to: vec!["soporte@acme.test".into()],
        cc: Vec::new(),
        subject: format!("Consulta {n}"),
        date: None,
        text: Some("Hola".into()),
        html: None,
        class: Classified::Customer,
        attachments: Vec::new(),
    }
}

async fn arrive(t: &TestApp, n: usize, mailbox: MailChannelId) -> ConversationId {
    let actor = t.principal("acme", "admin@acme.test").await;
    match receive(&t.app, &actor, &mail(n, mailbox))
        .await
        .expect("receive")
    {
        Received::Added {
            conversation_id, ..
        } => conversation_id,
        other => panic!("not added: {other:?}"),
    }
}

async fn assignee(m: &Member<'_>, id: ConversationId) -> Option<String> {
    let r =
        m.c.get(m.url(&format!("/conversations/{id}")))
            .send()
            .await
            .expect("get");
    let v = crate::json(r).await;
    v["conversation"]["assignee_id"].as_str().map(str::to_owned)
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn new_conversations_go_round_the_team_fairly_skipping_who_may_not_serve(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let admin = Member::join(&t, "acme", "admin@acme.test", Role::Admin).await;
    let ana = t.user("acme", "ana@acme.test", Role::Agent).await;
    let bea = t.user("acme", "bea@acme.test", Role::Agent).await;
    let carla = t.user("acme", "carla@acme.test", Role::Manager).await;
    let dani = t.user("acme", "dani@acme.test", Role::Analyst).await;
    let (s, team) = admin
        .post(
            "/teams",
            json!({"name": "Soporte", "members": [ana.uuid(), bea.uuid(), carla.uuid(), dani.uuid()], "assign_by_turn": true}),
        )
        .await;
    assert_eq!(s, 201, "{team}");
    assert_eq!(team["assign_by_turn"], true);
    let team_id = team["id"].as_str().expect("id").to_owned();
    let (s, mb) = admin
        .post(
            "/mail-channels",
            json!({"name": "Soporte", "address": "soporte@acme.test", "team_id": team_id, "enabled": false,
                   "imap": {"host": "imap.acme.test", "username": "u", "password": "p"},
                   "smtp": {"host": "smtp.acme.test", "username": "u", "password": "p"}}),
        )
        .await;
    assert_eq!(s, 201, "{mb}");
    let mailbox = MailChannelId(mb["id"].as_str().expect("id").parse().expect("uuid"));

    // Six arrivals among three who serve (the analyst never): each gets two, in turn.
    let mut given = Vec::new();
    for n in 0..6 {
        let id = arrive(&t, n, mailbox).await;
        given.push(assignee(&admin, id).await.expect("assigned"));
    }
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for g in &given {
        *counts.entry(g.as_str()).or_default() += 1;
    }
    let servers = [ana, bea, carla].map(|u| u.to_string());
    assert_eq!(counts.len(), 3, "{given:?}");
    for s in &servers {
        assert_eq!(counts.get(s.as_str()), Some(&2), "{given:?}");
    }
    assert_eq!(given[0..3], given[3..6], "the same order each round");
    assert!(!given.contains(&dani.to_string()));

    // Bea is disabled: the turns go on between the other two, still in order.
    let (s, _) = patch(&admin, &format!("/users/{bea}"), json!({"disabled": true})).await;
    assert_eq!(s, 200);
    let mut after = Vec::new();
    for n in 6..10 {
        after.push(
            assignee(&admin, arrive(&t, n, mailbox).await)
                .await
                .expect("assigned"),
        );
    }
    assert!(!after.contains(&bea.to_string()), "{after:?}");
    assert_eq!(after[0], after[2]);
    assert_eq!(after[1], after[3]);
    assert_ne!(after[0], after[1]);

    // The team stops assigning by turn: new conversations wait unassigned in its queue.
    let (s, v) = patch(
        &admin,
        &format!("/teams/{team_id}"),
        json!({"assign_by_turn": false}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let id = arrive(&t, 10, mailbox).await;
    assert_eq!(assignee(&admin, id).await, None);

    // Asking for "by turn" on a team that does not do it is refused; once it does, it works.
    let (s, v) = patch(
        &admin,
        &format!("/conversations/{id}"),
        json!({"assign_by_turn": true}),
    )
    .await;
    assert_eq!(s, 422, "{v}");
    let (s, _) = patch(
        &admin,
        &format!("/teams/{team_id}"),
        json!({"assign_by_turn": true}),
    )
    .await;
    assert_eq!(s, 200);
    let (s, v) = patch(
        &admin,
        &format!("/conversations/{id}"),
        json!({"assign_by_turn": true}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert!(v["conversation"]["assignee_id"].as_str().is_some(), "{v}");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn moving_a_conversation_to_a_team_by_turn_gives_it_to_whose_turn_it_is(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let admin = Member::join(&t, "acme", "admin@acme.test", Role::Admin).await;
    let ana = t.user("acme", "ana@acme.test", Role::Agent).await;
    let (_, team) = admin
        .post(
            "/teams",
            json!({"name": "Ventas", "members": [ana.uuid()], "assign_by_turn": true}),
        )
        .await;
    let (_, mb) = admin
        .post(
            "/mail-channels",
            json!({"name": "Soporte", "address": "soporte@acme.test", "enabled": false,
                   "imap": {"host": "imap.acme.test", "username": "u", "password": "p"},
                   "smtp": {"host": "smtp.acme.test", "username": "u", "password": "p"}}),
        )
        .await;
    let mailbox = MailChannelId(mb["id"].as_str().expect("id").parse().expect("uuid"));
    // A mailbox without a team: nobody's.
    let id = arrive(&t, 1, mailbox).await;
    assert_eq!(assignee(&admin, id).await, None);
    let (s, v) = patch(
        &admin,
        &format!("/conversations/{id}"),
        json!({"team_id": team["id"]}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["conversation"]["assignee_id"], ana.to_string());
    assert_eq!(v["conversation"]["team_id"], team["id"]);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn arrivals_at_the_same_moment_take_different_turns(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let admin = Member::join(&t, "acme", "admin@acme.test", Role::Admin).await;
    let ana = t.user("acme", "ana@acme.test", Role::Agent).await;
    let bea = t.user("acme", "bea@acme.test", Role::Agent).await;
    let (_, team) = admin
        .post(
            "/teams",
            json!({"name": "Soporte", "members": [ana.uuid(), bea.uuid()], "assign_by_turn": true}),
        )
        .await;
    let (_, mb) = admin
        .post(
            "/mail-channels",
            json!({"name": "Soporte", "address": "soporte@acme.test", "team_id": team["id"], "enabled": false,
                   "imap": {"host": "imap.acme.test", "username": "u", "password": "p"},
                   "smtp": {"host": "smtp.acme.test", "username": "u", "password": "p"}}),
        )
        .await;
    let mailbox = MailChannelId(mb["id"].as_str().expect("id").parse().expect("uuid"));
    for round in 0..3 {
        let (a, b) = tokio::join!(
            arrive(&t, 100 + 2 * round, mailbox),
            arrive(&t, 101 + 2 * round, mailbox)
        );
        let (a, b) = (assignee(&admin, a).await, assignee(&admin, b).await);
        assert!(
            a.is_some() && b.is_some() && a != b,
            "round {round}: {a:?} {b:?}"
        );
    }
}
