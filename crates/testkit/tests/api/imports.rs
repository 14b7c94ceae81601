//! `POST /api/v1/customers/import`: a messy HubSpot export saved by Excel (Windows-1252,
//! semicolons, CRLF) with a bad e-mail, an empty row, a duplicate and a multi-line note, on
//! both backends.
use crate::json;
use rstest::rstest;
use serde_json::{json, Value};
use vinculo_domain::auth::Role;
use vinculo_testkit::{Backend, TestApp};

/// Line numbers as an editor shows them: 1 is the header, the note of line 5 runs to line 6.
const HUBSPOT: &str = "Record ID;First Name;Last Name;Email;Mobile Phone Number;Company Name;Job Title;City;Country/Region;Lifecycle Stage;Notes\r\n\
101;José;Núñez;jose.nunez@acme.es;612 34 56 78;Acme Ibérica;Directora comercial;Cádiz;Spain;Customer;\r\n\
102;María;Peña;maria.pena(at)acme.es;;Acme Ibérica;Compras;Sevilla;Spain;Lead;\r\n\
;;;;;;;;;;\r\n\
103;Luis;García;luis@example.com;;Acme Ibérica;Técnico;Madrid;Spain;Lead;\"Llamar el lunes\r\nPrefiere correo\"\r\n\
104;Luis;García;LUIS@example.com;+34 699 11 22 33;;;Madrid;Spain;Lead;\r\n\
105;Pre;Cambiado;pre@example.com;12;;;;;;\r\n";

/// The text as Excel writes it in Spain: Windows-1252 (Latin-1 for these letters).
fn windows_1252(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| u8::try_from(u32::from(c)).expect("a Latin-1 character"))
        .collect()
}

async fn admin(t: &TestApp) -> reqwest::Client {
    t.user("acme", "ana@acme.test", Role::Admin).await;
    t.bearer(&t.token("acme", "ana@acme.test", "read,write").await)
}

async fn import(t: &TestApp, c: &reqwest::Client, query: &str, body: Vec<u8>) -> (u16, Value) {
    let r = c
        .post(t.url(&format!("/api/v1/customers/import{query}")))
        .header("content-type", "text/csv")
        .body(body)
        .send()
        .await
        .expect("import");
    (r.status().as_u16(), json(r).await)
}

async fn people(t: &TestApp, c: &reqwest::Client) -> Vec<Value> {
    let list = json(
        c.get(t.url("/api/v1/customers?limit=200"))
            .send()
            .await
            .expect("list"),
    )
    .await;
    list["data"].as_array().cloned().unwrap_or_default()
}

fn named<'a>(people: &'a [Value], name: &str) -> &'a Value {
    people
        .iter()
        .find(|p| p["display_name"] == name)
        .unwrap_or_else(|| panic!("{name} not among {people:?}"))
}

fn counts(report: &Value) -> [u64; 5] {
    let c = &report["counts"];
    [
        "rows",
        "created",
        "updated",
        "rejected",
        "organizations_created",
    ]
    .map(|k| c[k].as_u64().unwrap_or_else(|| panic!("{k} in {report}")))
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn a_messy_hubspot_export_imports_with_rejections_by_line_and_reimports_as_updates(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let r = c
        .post(t.url("/api/v1/customers"))
        .json(&json!({"given_name": "Pre", "family_name": "Existente", "emails": [{"value": "pre@example.com"}], "phones": [{"value": "+34 611 22 33 44"}], "tags": ["vip"]}))
        .send()
        .await
        .expect("create");
    assert_eq!(r.status(), 201);
    let file = windows_1252(HUBSPOT);

    let (status, dry) = import(&t, &c, "?dry_run=true", file.clone()).await;
    assert_eq!(status, 200, "{dry}");
    assert_eq!(dry["dry_run"], true);
    assert_eq!(dry["encoding"], "windows-1252");
    assert_eq!(counts(&dry), [5, 2, 1, 2, 1], "{dry}");
    assert_eq!(people(&t, &c).await.len(), 1, "a dry run writes nothing");
    let orgs = json(
        c.get(t.url("/api/v1/organizations"))
            .send()
            .await
            .expect("orgs"),
    )
    .await;
    assert_eq!(orgs["data"], json!([]), "not even organisations");

    let (status, report) = import(&t, &c, "", file.clone()).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["dry_run"], false);
    assert_eq!(counts(&report), [5, 2, 1, 2, 1], "{report}");
    let columns = &report["columns"];
    assert_eq!(
        columns[0],
        json!({"header": "Record ID", "field": "external_id:hubspot"})
    );
    assert_eq!(
        columns[4],
        json!({"header": "Mobile Phone Number", "field": "phone"})
    );
    let rejected: Vec<(u64, String)> = report["rejections"]
        .as_array()
        .expect("rejections")
        .iter()
        .map(|r| {
            (
                r["line"].as_u64().expect("line"),
                r["reason"].as_str().expect("reason").to_owned(),
            )
        })
        .collect();
    assert_eq!(rejected.len(), 2, "{rejected:?}");
    assert_eq!(rejected[0].0, 3, "the bad e-mail: {rejected:?}");
    assert!(rejected[0].1.contains("email"), "{rejected:?}");
    assert_eq!(
        rejected[1].0, 8,
        "after the two-line note and the empty row: {rejected:?}"
    );
    assert!(rejected[1].1.contains("phone"), "{rejected:?}");

    let all = people(&t, &c).await;
    assert_eq!(
        all.len(),
        3,
        "José, Luis (once) and the customer stored before: {all:?}"
    );
    let jose = named(&all, "José Núñez");
    assert_eq!(jose["emails"][0]["normalized"], "jose.nunez@acme.es");
    assert_eq!(jose["phones"][0]["normalized"], "+34612345678");
    assert_eq!(jose["external_ids"], json!(["hubspot:101"]));
    assert_eq!(jose["lifecycle_stage"], "customer");
    assert_eq!(jose["addresses"][0]["city"], "Cádiz");
    assert_eq!(jose["addresses"][0]["country"], "ES");
    assert_eq!(jose["organizations"][0]["name"], "Acme Ibérica");
    assert_eq!(jose["organizations"][0]["title"], "Directora comercial");
    let luis = named(&all, "Luis García");
    assert_eq!(luis["emails"].as_array().map(Vec::len), Some(1), "{luis}");
    assert_eq!(
        luis["phones"][0]["normalized"], "+34699112233",
        "from the duplicate row"
    );
    let mut ids: Vec<&str> = luis["external_ids"]
        .as_array()
        .expect("ids")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, ["hubspot:103", "hubspot:104"]);
    assert_eq!(luis["notes"], "Llamar el lunes\nPrefiere correo");
    assert_eq!(luis["organizations"][0]["title"], "Técnico");
    assert_eq!(
        luis["organizations"][0]["organization_id"], jose["organizations"][0]["organization_id"],
        "one organisation for both"
    );
    let pre = named(&all, "Pre Existente");
    assert_eq!(
        pre["phones"][0]["normalized"], "+34611223344",
        "the rejected row changed nothing"
    );
    assert_eq!(pre["tags"], json!(["vip"]));
    let orgs = json(
        c.get(t.url("/api/v1/organizations"))
            .send()
            .await
            .expect("orgs"),
    )
    .await;
    assert_eq!(orgs["data"].as_array().map(Vec::len), Some(1), "{orgs}");
    assert_eq!(orgs["data"][0]["display_name"], "Acme Ibérica");

    let (status, again) = import(&t, &c, "", file).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(counts(&again), [5, 0, 3, 2, 0], "{again}");
    let after = people(&t, &c).await;
    assert_eq!(after.len(), 3, "updated, not duplicated");
    assert_eq!(named(&after, "Pre Existente")["tags"], json!(["vip"]));
    let orgs = json(
        c.get(t.url("/api/v1/organizations"))
            .send()
            .await
            .expect("orgs"),
    )
    .await;
    assert_eq!(orgs["data"].as_array().map(Vec::len), Some(1));
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn readers_cannot_import_and_unreadable_files_or_mappings_are_422(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let reader = t.bearer(&t.token("acme", "ana@acme.test", "read").await);
    let (status, p) = import(&t, &reader, "", windows_1252(HUBSPOT)).await;
    assert_eq!(status, 403, "{p}");
    assert_eq!(p["code"], "forbidden");
    assert!(people(&t, &c).await.is_empty());

    let (status, p) = import(&t, &c, "", Vec::new()).await;
    assert_eq!(status, 422, "{p}");
    assert!(
        p["detail"].as_str().expect("detail").contains("empty"),
        "{p}"
    );

    let (status, p) = import(&t, &c, "", b"Colour,Size\nred,L\n".to_vec()).await;
    assert_eq!(status, 422, "no name, e-mail or phone column: {p}");
    assert_eq!(p["errors"][0]["field"], "map");

    let (status, p) = import(
        &t,
        &c,
        "?map=Colour%3Demail",
        b"Colour,Size\nred@example.com,L\n".to_vec(),
    )
    .await;
    assert_eq!(status, 200, "an explicit mapping: {p}");
    assert_eq!(counts(&p), [1, 1, 0, 0, 0]);

    let (status, p) = import(
        &t,
        &c,
        "?map=Nope%3Demail",
        b"Email\na@example.com\n".to_vec(),
    )
    .await;
    assert_eq!(status, 422, "{p}");
    assert!(
        p["detail"].as_str().expect("detail").contains("Nope"),
        "{p}"
    );
}

/// A phone's contacts export: vCard 3.0 and Android's 2.1 with quoted-printable UTF-8.
const CONTACTS: &str = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:José Núñez\r\nN:Núñez;José;;;\r\n\
EMAIL;TYPE=INTERNET,WORK:jose@ferreteria.es\r\nTEL;TYPE=CELL:612 34 56 78\r\n\
ORG:Ferretería Núñez\r\nTITLE:Dueño\r\nADR;TYPE=WORK:;;Calle Mayor 5;Madrid;;28013;ES\r\nEND:VCARD\r\n\
BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Mu=C3=B1oz;Mar=C3=ADa;;;\r\n\
TEL;CELL;PREF:+52 55 1111 2222\r\nEND:VCARD\r\n\
BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Nadie\r\nEMAIL:no-es-un-correo\r\nEND:VCARD\r\n";

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn a_phones_vcard_export_imports_people_and_reimports_as_updates(#[case] backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = admin(&t).await;
    let (status, report) = import(&t, &c, "", CONTACTS.as_bytes().to_vec()).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(counts(&report), [3, 2, 0, 1, 1], "{report}");
    assert_eq!(report["rejections"][0]["line"], 16, "{report}");
    let all = people(&t, &c).await;
    let jose = named(&all, "José Núñez");
    assert_eq!(jose["phones"][0]["normalized"], "+34612345678");
    assert_eq!(jose["organizations"][0]["name"], "Ferretería Núñez");
    assert_eq!(jose["organizations"][0]["title"], "Dueño");
    assert_eq!(jose["addresses"][0]["postal_code"], "28013");
    let maria = named(&all, "María Muñoz");
    assert_eq!(maria["phones"][0]["normalized"], "+525511112222");
    let (_, again) = import(&t, &c, "", CONTACTS.as_bytes().to_vec()).await;
    assert_eq!(
        counts(&again),
        [3, 0, 2, 1, 0],
        "matched by e-mail and phone: {again}"
    );
    assert_eq!(people(&t, &c).await.len(), 2);
}
