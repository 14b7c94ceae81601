//! `/api/v1` as one member of a workspace, with a bearer token: the requests test modules
//! share. Each module adds its own helpers on a wrapper that derefs to [`Member`].
use crate::json;
use serde_json::Value;
use vinculo_domain::auth::Role;
use vinculo_testkit::TestApp;

pub struct Member<'a> {
    pub t: &'a TestApp,
    pub c: reqwest::Client,
}

impl<'a> Member<'a> {
    /// Makes `email` a member of `workspace` with `role`, with a read/write token.
    pub async fn join(t: &'a TestApp, workspace: &str, email: &str, role: Role) -> Member<'a> {
        t.user(workspace, email, role).await;
        let c = t.bearer(&t.token(workspace, email, "read,write").await);
        Member { t, c }
    }

    pub fn url(&self, path: &str) -> String {
        self.t.url(&format!("/api/v1{path}"))
    }

    /// POSTs `body`; returns the status and the JSON answer.
    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let r = self.c.post(self.url(path)).json(&body).send().await;
        let r = r.expect("post");
        (r.status().as_u16(), json(r).await)
    }

    pub async fn delete(&self, path: &str) -> u16 {
        let r = self.c.delete(self.url(path)).send().await;
        r.expect("delete").status().as_u16()
    }
}
