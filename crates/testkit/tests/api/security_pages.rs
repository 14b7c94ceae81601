//! Every role against every page it opens: what the matrix (and the rules narrower than it)
//! allows answers 200, the rest the 403 page; nobody logged out gets past the login.
use crate::security_fixture::{fixture, Fixture};
use crate::security_matrix::Need;
use rstest::rstest;
use vinculo_domain::auth::{Access, Area, Role};
use vinculo_testkit::{Backend, TestApp};
use Access::{Read as R, Write as W};
use Area::{Customers as C, Interactions as I, Service as S, Teams as T, Workspace as Ws};
use Need::{Anyone, Both, Can, Leads};

/// Every page a member opens with GET. Left out, as no role decides them: the public pages
/// (`/`, `/login`, `/setup`, `/invite/…`, `/lang/…`, the hosted forms at `/f/…`, the API
/// reference), assets, health and metrics; and an import's pages (`/customers/import/{id}`
/// and below), which only whoever started that import sees (`import_pages`).
const PAGES: &[(&str, Need)] = &[
    ("/app", Anyone),
    ("/settings/account", Anyone),
    ("/settings/users", Can(Area::Users, R)),
    ("/settings/teams", Can(T, R)),
    ("/settings/teams/{team}", Can(T, W)),
    ("/settings/tokens", Can(Area::Tokens, R)),
    ("/settings/audit", Can(Area::Audit, R)),
    ("/settings/mailboxes", Both((Ws, R), (T, R))),
    ("/settings/mailboxes/{mailbox}", Both((Ws, R), (T, R))),
    ("/settings/canned-responses", Both((S, R), (T, R))),
    // A shared response is changed by those who may share.
    ("/settings/canned-responses/{canned}", Leads((S, W), (T, W))),
    ("/settings/forms", Can(Ws, R)),
    ("/settings/forms/new", Can(Ws, W)),
    ("/settings/forms/{form}", Can(Ws, R)),
    ("/settings/customers", Can(C, R)),
    ("/settings/custom-fields", Can(C, R)),
    ("/settings/custom-fields/{field}", Can(C, R)),
    ("/inbox", Can(S, R)),
    ("/inbox/live", Can(S, R)),
    ("/inbox/live?conversation={conversation}", Can(S, R)),
    ("/inbox/{conversation}", Can(S, R)),
    ("/inbox/{conversation}/canned?canned={canned}", Can(S, R)),
    ("/inbox/messages/{interaction}/html", Can(S, R)),
    ("/inbox/attachments/{attachment}", Can(S, R)),
    ("/customers", Can(C, R)),
    ("/customers/new", Can(C, W)),
    ("/customers/import", Can(C, W)),
    ("/customers/duplicates", Can(C, R)),
    ("/customers/merges", Can(C, R)),
    ("/customers/merge?ids={pair_a},{pair_b}", Can(C, R)),
    ("/customers/{customer}", Can(C, R)),
    ("/customers/{customer}/timeline", Both((C, R), (I, R))),
    ("/customers/{customer}/live", Both((C, R), (I, R))),
    ("/screen-pop/live", Both((C, R), (I, R))),
    ("/organizations", Can(C, R)),
    ("/organizations/new", Can(C, W)),
    ("/organizations/{organization}", Can(C, R)),
];

async fn status(c: &reqwest::Client, t: &TestApp, f: &Fixture, template: &str) -> u16 {
    // A live page streams until closed: its status is all that is read.
    let r = c.get(t.url(&f.path(template))).send().await.expect("page");
    r.status().as_u16()
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn every_page_follows_the_matrix(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    t.user("acme", "root@acme.test", Role::Admin).await;
    let admin = t.bearer(&t.token("acme", "root@acme.test", "read,write").await);
    let f = fixture(&t, &admin, "acme", "root@acme.test", 0).await;
    let anonymous = t.browser();
    for role in Role::ALL {
        let email = format!("{role}@acme.test");
        t.user("acme", &email, role).await;
        let (c, _) = t.login(&email).await;
        for (template, need) in PAGES {
            let expected = if need.allows(role) { 200 } else { 403 };
            let got = status(&c, &t, &f, template).await;
            assert_eq!(got, expected, "{role} GET {template}");
        }
    }
    for (template, _) in PAGES {
        let r = anonymous
            .get(t.url(&f.path(template)))
            .send()
            .await
            .expect("page");
        assert_eq!(r.status(), 303, "logged out GET {template}");
        let to = r.headers()["location"].to_str().unwrap_or_default();
        assert!(to.starts_with("/login?next="), "{template} sends to {to}");
    }
}
