//! The import pages without a browser: the multipart upload's CSRF check, the mapping step,
//! a dry run then the real import in the background, and jobs private to their starter.
use rstest::rstest;
use vinculo_domain::auth::Role;
use vinculo_testkit::{Backend, TestApp};

const CSV: &str = "Nombre,Apellidos,Correo,Empresa,Cargo\r\n\
Ana,Pérez,ana@example.com,Acme,Directora\r\n\
Bea,López,no-es-un-correo,Acme,\r\n";

const BOUNDARY: &str = "----vinculo-test-boundary";

/// A multipart body as a browser sends the upload form: `_csrf` (when given), then the file.
fn multipart(csrf: Option<&str>, file: &str) -> Vec<u8> {
    let mut body = String::new();
    if let Some(token) = csrf {
        body.push_str(&format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{token}\r\n"
        ));
    }
    body.push_str(&format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"../../etc/clientes.csv\"\r\nContent-Type: text/csv\r\n\r\n{file}\r\n--{BOUNDARY}--\r\n"));
    body.into_bytes()
}

async fn upload(t: &TestApp, c: &reqwest::Client, csrf: Option<&str>) -> reqwest::Response {
    c.post(t.url("/customers/import"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(multipart(csrf, CSV))
        .send()
        .await
        .expect("upload")
}

async fn text(c: &reqwest::Client, url: &str) -> (u16, String) {
    let r = c.get(url).send().await.expect("get");
    (r.status().as_u16(), r.text().await.expect("body"))
}

/// Polls the status until the run is over; returns the final status document.
async fn wait(t: &TestApp, c: &reqwest::Client, job: &str) -> serde_json::Value {
    for _ in 0..100 {
        let s = crate::json(
            c.get(t.url(&format!("{job}/status")))
                .send()
                .await
                .expect("status"),
        )
        .await;
        if s["stage"] != "running" {
            return s;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the import did not finish");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn an_upload_is_mapped_dry_run_then_imported_and_seen_only_by_its_starter(
    #[case] backend: Backend,
) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    t.user("acme", "ana@acme.test", Role::Admin).await;
    t.user("acme", "otra@acme.test", Role::Admin).await;
    t.user("acme", "ines@acme.test", Role::Analyst).await;
    let (c, csrf) = t.login("ana@acme.test").await;

    assert_eq!(upload(&t, &c, None).await.status(), 403, "no token");
    assert_eq!(
        upload(&t, &c, Some("forged")).await.status(),
        403,
        "a wrong token"
    );
    let r = upload(&t, &c, Some(&csrf)).await;
    assert_eq!(r.status(), 303);
    let job = r.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    assert!(job.starts_with("/customers/import/"), "{job}");

    let (status, page) = text(&c, &t.url(&job)).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("clientes.csv"),
        "the file's own name, without its path"
    );
    assert!(page.contains("<select name=\"col2\""), "{page}");
    assert!(
        page.contains("<option value=\"email\" selected>"),
        "Correo is recognised as e-mail"
    );
    assert!(page.contains("ana@example.com"), "a preview of the values");

    let form = [
        ("_csrf", csrf.as_str()),
        ("col0", "given_name"),
        ("col1", "family_name"),
        ("col2", "email"),
        ("col3", "organization"),
        ("col4", "ignore"),
        ("dry_run", "true"),
    ];
    let r = c
        .post(t.url(&job))
        .form(&form)
        .send()
        .await
        .expect("dry run");
    assert_eq!(r.status(), 303);
    let s = wait(&t, &c, &job).await;
    assert_eq!(s["stage"], "finished", "{s}");
    assert_eq!(
        (s["created"].as_u64(), s["rejected"].as_u64()),
        (Some(1), Some(1)),
        "{s}"
    );
    let (_, page) = text(&c, &t.url(&job)).await;
    assert!(page.contains("name=\"mapping\" value=\"Nombre=given_name,Apellidos=family_name,Correo=email,Empresa=organization,Cargo=ignore\""), "{page}");
    let (status, csv) = text(&c, &t.url(&format!("{job}/rejections.csv"))).await;
    assert_eq!(status, 200);
    assert!(csv.starts_with("line,reason\n3,"), "{csv}");

    let mapping =
        "Nombre=given_name,Apellidos=family_name,Correo=email,Empresa=organization,Cargo=ignore";
    let form = [
        ("_csrf", csrf.as_str()),
        ("mapping", mapping),
        ("dry_run", "false"),
    ];
    assert_eq!(
        c.post(t.url(&job))
            .form(&form)
            .send()
            .await
            .expect("import")
            .status(),
        303
    );
    let s = wait(&t, &c, &job).await;
    assert_eq!(
        (s["stage"].as_str(), s["created"].as_u64()),
        (Some("finished"), Some(1)),
        "{s}"
    );
    let (_, list) = text(&c, &t.url("/customers")).await;
    assert!(list.contains("Ana Pérez"), "{list}");
    let (status, _) = text(&c, &t.url(&format!("{job}/map"))).await;
    assert_eq!(status, 410, "the file is deleted once imported");

    let (other, _) = t.login("otra@acme.test").await;
    for path in [
        job.clone(),
        format!("{job}/status"),
        format!("{job}/rejections.csv"),
    ] {
        assert_eq!(
            text(&other, &t.url(&path)).await.0,
            404,
            "{path} of someone else's import"
        );
    }
    let (analyst, analyst_csrf) = t.login("ines@acme.test").await;
    assert_eq!(text(&analyst, &t.url("/customers/import")).await.0, 403);
    assert_eq!(
        upload(&t, &analyst, Some(&analyst_csrf)).await.status(),
        403
    );
    let (_, list) = text(&analyst, &t.url("/customers")).await;
    assert!(
        !list.contains("href=\"/customers/import\""),
        "no import button for readers"
    );
}
