//! Custom fields: their definitions under `/api/v1/settings/custom-fields` (admins write,
//! everyone reads; bad definitions are 422 naming the field; choices customers have stay) and
//! their values on people and organisations (read leniently, returned normalised, checked
//! against the field, patched key by key), on both backends.
use crate::json;
use crate::member::Member;
use rstest::rstest;
use serde_json::{json, Value};
use vinculo_domain::auth::Role;
use vinculo_testkit::{Backend, TestApp};

/// `/api/v1` as one member of the `acme` workspace.
struct Api<'a>(Member<'a>);

impl<'a> std::ops::Deref for Api<'a> {
    type Target = Member<'a>;

    fn deref(&self) -> &Member<'a> {
        &self.0
    }
}

async fn api<'a>(t: &'a TestApp, email: &str, role: Role) -> Api<'a> {
    Api(Member::join(t, "acme", email, role).await)
}

async fn admin(t: &TestApp) -> Api<'_> {
    api(t, "ana@acme.test", Role::Admin).await
}

impl Api<'_> {
    /// PATCHes `body`; returns the status and the JSON answer.
    async fn patch(&self, path: &str, body: Value) -> (u16, Value) {
        let r = self.c.patch(self.url(path)).json(&body).send().await;
        let r = r.expect("patch");
        (r.status().as_u16(), json(r).await)
    }

    /// GETs what must be there.
    async fn get(&self, path: &str) -> Value {
        let r = self.c.get(self.url(path)).send().await.expect("get");
        assert_eq!(r.status(), 200, "GET {path}");
        json(r).await
    }

    /// POSTs what must be created; returns it and its path.
    async fn make(&self, path: &str, body: Value) -> (Value, String) {
        let (status, v) = self.post(path, body).await;
        assert_eq!(status, 201, "{v}");
        let at = format!("{path}/{}", v["id"].as_str().expect("id"));
        (v, at)
    }

    /// Defines a custom field (which must succeed); returns it and its path.
    async fn field(&self, body: Value) -> (Value, String) {
        self.make("/settings/custom-fields", body).await
    }

    /// Defines a field of each (key, type, options) with that key and label.
    async fn fields(&self, defs: &[(&str, &str, &str)]) {
        for (key, field_type, options) in defs {
            let mut body = json!({"label": key, "key": key, "field_type": field_type});
            if !options.is_empty() {
                body["options"] = json!(options.split('|').collect::<Vec<_>>());
            }
            self.field(body).await;
        }
    }

    /// The keys of the workspace's custom fields, in the order listed.
    async fn keys(&self) -> Vec<String> {
        let list = self.get("/settings/custom-fields").await;
        let list = list["data"].as_array().expect("data").iter();
        list.map(|f| f["key"].as_str().expect("key").to_owned())
            .collect()
    }
}

/// A person's body with these custom field values.
fn person(name: &str, cf: &Value) -> Value {
    json!({"given_name": name, "custom_fields": cf})
}

/// An organisation's body with these custom field values.
fn org(name: &str, cf: &Value) -> Value {
    json!({"name": name, "custom_fields": cf})
}

/// The fields of a 422 answer, in order.
fn fields(p: &Value) -> Vec<&str> {
    p["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("no errors in {p}"))
        .iter()
        .map(|e| e["field"].as_str().expect("field"))
        .collect()
}

/// The keys a customer has a value for, sorted.
fn held(customer: &Value) -> Vec<&str> {
    let values = customer["custom_fields"].as_object();
    let values = values.unwrap_or_else(|| panic!("no custom_fields object in {customer}"));
    let mut k: Vec<&str> = values.keys().map(String::as_str).collect();
    k.sort_unstable();
    k
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn admins_define_custom_fields_with_keys_made_from_labels_and_everyone_reads_them(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let a = admin(&t).await;
    let manager = api(&t, "luis@acme.test", Role::Manager).await;
    let sales = api(&t, "sara@acme.test", Role::Sales).await;
    let list = "/settings/custom-fields";
    assert_eq!(a.get(list).await, json!({"data": []}));
    let (valor, _) = a
        .field(json!({"label": "Valor del contrato", "field_type": "money"}))
        .await;
    assert_eq!(valor["key"], "valor_del_contrato", "{valor}");
    assert_eq!(valor["label"], "Valor del contrato");
    assert_eq!(valor["field_type"], "money");
    assert_eq!(valor["applies_to"], "person", "people by default");
    assert_eq!(valor["currency"], "EUR", "money is in euros by default");
    assert_eq!(valor["options"], json!([]));
    let (plan, plan_at) = a.field(json!({"label": "Plan", "key": "plan", "field_type": "select", "applies_to": "both", "options": ["Oro", "Plata"]})).await;
    assert_eq!(plan["key"], "plan");
    assert_eq!(plan["applies_to"], "both");
    assert_eq!(plan["options"], json!(["Oro", "Plata"]));
    assert_eq!(plan["currency"], Value::Null);
    let (usd, _) = a.field(json!({"label": "Ingresos USA", "key": "ingresos_usa", "field_type": "money", "currency": "USD", "applies_to": "organization"})).await;
    assert_eq!(usd["currency"], "USD");
    assert_eq!(usd["applies_to"], "organization");
    let (alta, _) = a
        .field(json!({"label": "Fecha de alta", "field_type": "date"}))
        .await;
    assert_eq!(alta["key"], "fecha_de_alta");
    let expected = a.get(list).await;
    assert_eq!(
        expected["data"],
        json!([valor, plan, usd, alta]),
        "in creation order"
    );
    for reader in [&manager, &sales] {
        assert_eq!(reader.get(list).await, expected, "members read them");
    }
    let (status, _) = manager
        .post(list, json!({"label": "Mío", "field_type": "text"}))
        .await;
    assert_eq!(status, 403, "only admins add fields");
    let (status, _) = manager.patch(&plan_at, json!({"label": "Nivel"})).await;
    assert_eq!(status, 403, "only admins change fields");
    assert_eq!(
        sales.delete(&plan_at).await,
        403,
        "only admins remove fields"
    );
    assert_eq!(a.get(list).await, expected, "nothing changed");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn a_bad_custom_field_definition_is_a_422_naming_the_wrong_part(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let a = admin(&t).await;
    a.field(json!({"label": "Plan", "field_type": "text"}))
        .await;
    for (field_type, more, field) in [
        ("text", json!({"key": "Bad Key"}), "key"),
        ("color", json!({}), "field_type"),
        ("select", json!({}), "options"),
        ("multi_select", json!({"options": []}), "options"),
        (
            "select",
            json!({"options": ["Básico", "BASICO"]}),
            "options[1]",
        ),
        ("text", json!({"currency": "EUR"}), "currency"),
        ("number", json!({"key": "plan"}), "key"),
        ("number", json!({"label": "Plan"}), "key"),
    ] {
        let mut body = json!({"label": "X", "field_type": field_type});
        for (k, v) in more.as_object().expect("object") {
            body[k] = v.clone();
        }
        let (status, p) = a.post("/settings/custom-fields", body.clone()).await;
        assert_eq!(status, 422, "{body}: {p}");
        assert_eq!(fields(&p), vec![field], "{body}: {p}");
    }
    assert_eq!(a.keys().await, vec!["plan"], "nothing was stored");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn a_field_is_relabelled_and_loses_unused_choices_but_not_ones_customers_have(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let a = admin(&t).await;
    let (plan, at) = a.field(json!({"label": "Plan", "key": "plan", "field_type": "select", "options": ["Oro", "Plata", "Cobre"]})).await;
    let cf = |plan: &str| json!({"plan": plan});
    let (_, ana) = a.make("/customers", person("Ana", &cf("Oro"))).await;
    a.make("/customers", person("Bea", &cf("oro"))).await;
    let (status, renamed) = a.patch(&at, json!({"label": "Plan contratado"})).await;
    assert_eq!(status, 200, "{renamed}");
    assert_eq!(renamed["label"], "Plan contratado");
    assert_eq!(renamed["key"], "plan", "the key stays");
    assert_eq!(renamed["options"], plan["options"]);
    for frozen in [
        json!({"key": "nivel"}),
        json!({"field_type": "text"}),
        json!({"applies_to": "both"}),
    ] {
        let (status, p) = a.patch(&at, frozen.clone()).await;
        assert!(
            status == 422 || status == 400,
            "{frozen} cannot change: {status} {p}"
        );
    }
    let (status, p) = a.patch(&at, json!({"options": ["Plata", "Cobre"]})).await;
    assert_eq!(status, 422, "Oro is in use: {p}");
    assert_eq!(fields(&p), vec!["options"]);
    let message = p["errors"][0]["message"].as_str().expect("message");
    assert!(message.contains("2 customer"), "names how many: {p}");
    let now = a.get("/settings/custom-fields").await;
    assert_eq!(now["data"], json!([renamed]), "nothing changed");
    let (status, f) = a.patch(&at, json!({"options": ["Oro", "Plata"]})).await;
    assert_eq!(status, 200, "Cobre is unused: {f}");
    assert_eq!(f["options"], json!(["Oro", "Plata"]));
    assert_eq!(f["label"], "Plan contratado");
    assert_eq!(a.get(&ana).await["custom_fields"], cf("Oro"));
    let (status, p) = a.post("/customers", person("Eva", &cf("Cobre"))).await;
    assert_eq!(status, 422, "a removed choice is gone: {p}");
    assert_eq!(fields(&p), vec!["custom_fields.plan"]);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn removing_a_field_removes_its_value_from_every_customer(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let a = admin(&t).await;
    let (_, plan) = a.field(json!({"label": "Plan", "field_type": "select", "options": ["Oro"], "applies_to": "both"})).await;
    a.field(json!({"label": "Puntos", "field_type": "number", "applies_to": "both"}))
        .await;
    let cf = json!({"plan": "Oro", "puntos": 3});
    let (_, ana) = a.make("/customers", person("Ana", &cf)).await;
    let (_, acme) = a.make("/organizations", org("Acme", &cf)).await;
    assert_eq!(a.delete(&plan).await, 204);
    for customer in [&ana, &acme] {
        let after = a.get(customer).await;
        assert_eq!(held(&after), vec!["puntos"], "{after}");
        assert_eq!(after["custom_fields"]["puntos"].as_f64(), Some(3.0));
    }
    assert_eq!(a.keys().await, vec!["puntos"]);
    assert_eq!(a.delete(&plan).await, 404, "once");
    let (status, p) = a
        .post("/customers", person("Bea", &json!({"plan": "Oro"})))
        .await;
    assert_eq!(status, 422, "{p}");
    assert_eq!(fields(&p), vec!["custom_fields.plan"]);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn values_are_read_leniently_and_returned_normalised(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let a = admin(&t).await;
    a.fields(&[
        ("nota", "text", ""),
        ("puntos", "number", ""),
        ("valor", "money", ""),
        ("alta", "date", ""),
        ("activo", "boolean", ""),
        ("plan", "select", "Oro|Plata|Básico"),
        ("canales", "multi_select", "Email|Teléfono|WhatsApp"),
        ("web", "url", ""),
    ])
    .await;
    let money = json!({"amount": 125050, "currency": "EUR"});
    let (ana, ana_at) = a.make("/customers", json!({"given_name": "Ana", "custom_fields": {
        "nota": "Cliente desde 2019", "puntos": "1.250,5", "valor": "1.250,50 €", "alta": "31/01/2026",
        "activo": "sí", "plan": "basico", "canales": "whatsapp; EMAIL", "web": "acme.es",
    }})).await;
    let cf = &ana["custom_fields"];
    assert_eq!(cf["nota"], "Cliente desde 2019", "{ana}");
    assert_eq!(cf["puntos"].as_f64(), Some(1250.5), "{ana}");
    assert_eq!(cf["valor"], money, "minor units");
    assert_eq!(cf["alta"], "2026-01-31");
    assert_eq!(cf["activo"], true);
    assert_eq!(cf["plan"], "Básico", "the option's own spelling");
    assert_eq!(
        cf["canales"],
        json!(["Email", "WhatsApp"]),
        "in the field's order"
    );
    assert_eq!(cf["web"], "https://acme.es");
    assert_eq!(a.get(&ana_at).await, ana);
    let (bea, _) = a.make("/customers", json!({"given_name": "Bea", "custom_fields": {
        "puntos": 1250.5, "valor": 1250.5, "alta": "2026-01-31", "activo": "no", "plan": "PLATA",
        "canales": ["Teléfono", "email"],
    }})).await;
    let cf = &bea["custom_fields"];
    assert_eq!(cf["puntos"].as_f64(), Some(1250.5), "{bea}");
    assert_eq!(cf["valor"], money, "major units as a number");
    assert_eq!(cf["alta"], "2026-01-31");
    assert_eq!(cf["activo"], false);
    assert_eq!(cf["plan"], "Plata");
    assert_eq!(cf["canales"], json!(["Email", "Teléfono"]));
    assert_eq!(held(&bea).len(), 6, "only the given keys: {bea}");
    let cf = json!({"valor": money, "activo": true});
    let (eva, _) = a.make("/customers", person("Eva", &cf)).await;
    assert_eq!(eva["custom_fields"], cf, "minor units as given");
    let (luis, _) = a.make("/customers", json!({"given_name": "Luis"})).await;
    assert_eq!(luis["custom_fields"], json!({}), "none is an empty object");
    let list = a.get("/customers").await;
    let listed: Vec<&Value> = list["data"].as_array().expect("data").iter().collect();
    let listed: Vec<&Value> = listed.iter().map(|p| &p["custom_fields"]).collect();
    let made = [&luis, &eva, &bea, &ana].map(|p| &p["custom_fields"]);
    assert_eq!(listed, made, "lists show them too");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn organisations_take_only_the_fields_that_apply_to_them(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let a = admin(&t).await;
    a.field(json!({"label": "Plan", "field_type": "select", "options": ["Oro", "Plata"], "applies_to": "both"})).await;
    a.field(json!({"label": "Sector", "field_type": "text", "applies_to": "organization"}))
        .await;
    a.field(json!({"label": "Cumpleaños", "key": "cumple", "field_type": "date"}))
        .await;
    let cf = json!({"plan": "oro", "sector": "Retail"});
    let (acme, at) = a.make("/organizations", org("Acme", &cf)).await;
    assert_eq!(
        acme["custom_fields"],
        json!({"plan": "Oro", "sector": "Retail"}),
        "{acme}"
    );
    assert_eq!(a.get(&at).await["custom_fields"], acme["custom_fields"]);
    let (globex, _) = a.make("/organizations", json!({"name": "Globex"})).await;
    assert_eq!(globex["custom_fields"], json!({}));
    let cf = json!({"plan": "Plata", "cumple": "2026-01-31"});
    let (status, p) = a.post("/organizations", org("Initech", &cf)).await;
    assert_eq!(status, 422, "a person's field: {p}");
    assert_eq!(fields(&p), vec!["custom_fields.cumple"]);
    let bad = person("Ana", &json!({"sector": "Retail"}));
    let (status, p) = a.post("/customers", bad).await;
    assert_eq!(status, 422, "an organisation's field: {p}");
    assert_eq!(fields(&p), vec!["custom_fields.sector"]);
    let cf = json!({"plan": "Plata", "cumple": "2000-02-29"});
    let (ana, _) = a.make("/customers", person("Ana", &cf)).await;
    assert_eq!(ana["custom_fields"], cf);
    let orgs = a.get("/organizations").await;
    assert_eq!(
        orgs["data"].as_array().map(Vec::len),
        Some(2),
        "no Initech: {orgs}"
    );
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn bad_values_are_422_and_a_patch_changes_only_the_keys_it_gives(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let a = admin(&t).await;
    a.fields(&[
        ("puntos", "number", ""),
        ("plan", "select", "Oro|Plata"),
        ("nota", "text", ""),
    ])
    .await;
    for (cf, field) in [
        (json!({"nope": 1}), "custom_fields.nope"),
        (json!({"puntos": "abc"}), "custom_fields.puntos"),
        (json!({"plan": "Bronce"}), "custom_fields.plan"),
    ] {
        let (status, p) = a.post("/customers", person("Ana", &cf)).await;
        assert_eq!(status, 422, "{cf}: {p}");
        assert_eq!(fields(&p), vec![field], "{cf}: {p}");
        if field == "custom_fields.plan" {
            let message = p["errors"][0]["message"].as_str().expect("message");
            assert!(
                message.contains("Oro") && message.contains("Plata"),
                "the options: {p}"
            );
        }
    }
    assert_eq!(
        a.get("/customers").await["data"],
        json!([]),
        "nothing was stored"
    );
    let cf = json!({"puntos": 10, "plan": "Oro", "nota": "hola"});
    let (ana, at) = a.make("/customers", person("Ana", &cf)).await;
    for bad in [
        json!({"custom_fields": {"puntos": 20, "plan": "Bronce"}}),
        json!({"given_name": "Anita", "custom_fields": {"puntos": "abc"}}),
        json!({"custom_fields": {"nope": null}}),
    ] {
        let (status, p) = a.patch(&at, bad.clone()).await;
        assert_eq!(status, 422, "{bad}: {p}");
        assert_eq!(
            a.get(&at).await,
            ana,
            "a failed PATCH changes nothing: {bad}"
        );
    }
    let (status, p) = a
        .patch(&at, json!({"custom_fields": {"puntos": "20"}}))
        .await;
    assert_eq!(status, 200, "{p}");
    assert_eq!(p["custom_fields"]["puntos"].as_f64(), Some(20.0));
    assert_eq!(p["custom_fields"]["plan"], "Oro", "other keys stay");
    assert_eq!(p["custom_fields"]["nota"], "hola");
    let (status, p) = a.patch(&at, json!({"custom_fields": {"plan": null}})).await;
    assert_eq!(status, 200, "{p}");
    assert_eq!(held(&p), vec!["nota", "puntos"], "null clears one key");
    let (_, p) = a.patch(&at, json!({"family_name": "Ruiz"})).await;
    assert_eq!(
        held(&p),
        vec!["nota", "puntos"],
        "absent custom_fields stay"
    );
    let (_, p) = a.patch(&at, json!({"custom_fields": {}})).await;
    assert_eq!(
        held(&p),
        vec!["nota", "puntos"],
        "an empty object changes nothing"
    );
    assert_eq!(a.get(&at).await, p);
}
