//! The harness: a real Patron on a free port over a database of its own, and HTTP clients that
//! sign in as a role and carry the CSRF token the way a browser form does.

pub mod coupons;
pub mod db;
pub mod gift_cards;
pub mod offers;
pub mod referrals;
pub mod replica;
pub mod shop;

use std::net::TcpListener;
use std::sync::{Arc, LazyLock, Mutex};

use actix_web::dev::ServerHandle;
use diesel::prelude::*;
use patron::app::{self, ExtraRoutes};
use patron::config::Config;
use patron::db::DbPool;
use patron::state::AppState;
use patron::users::model::{self as users, NewUser};
use patron_rules::users::Role;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

pub use db::TestDb;

/// The password of every user the harness makes.
pub const PASSWORD: &str = "correct horse battery";

/// Hashed once per process with the real argon2 parameters.
static PASSWORD_HASH: LazyLock<String> =
    LazyLock::new(|| patron::kernel::passwords::hash_blocking(PASSWORD).unwrap());

/// A running app.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`
    pub base: String,
    /// Its database.
    pub db: TestDb,
    /// A pool on its database, for arranging and checking rows.
    pub pool: DbPool,
    handle: ServerHandle,
}

/// A user the harness made.
#[derive(Debug, Clone)]
pub struct TestUser {
    pub id: i64,
    pub email: String,
    pub name: String,
}

impl TestApp {
    /// Starts the app with default settings.
    pub async fn spawn() -> TestApp {
        TestApp::spawn_with(|_| {}, None).await
    }

    /// Starts the app with settings changed by `tune` and extra routes.
    pub async fn spawn_with(tune: impl FnOnce(&mut Config), extra: Option<ExtraRoutes>) -> TestApp {
        let db = TestDb::create();
        let mut config = Config::for_database(&db.url);
        tune(&mut config);
        let pool = patron::db::connect(&db.url, config.db_pool_size, config.db_timeout()).unwrap();
        let state = AppState::new(config, pool.clone()).unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let server = actix_web::HttpServer::new(move || app::build(state.clone(), extra))
            .workers(1)
            .keep_alive(app::KEEP_ALIVE)
            .disable_signals()
            .listen(listener)
            .unwrap()
            .run();
        let handle = server.handle();
        actix_web::rt::spawn(server);
        TestApp {
            base,
            db,
            pool,
            handle,
        }
    }

    /// A pooled connection to the app's database.
    pub fn conn(&self) -> patron::db::DbConn {
        self.pool.get().unwrap()
    }

    /// A store, made on first use. Its company is dated back to 2020 as though it had traded for
    /// years (tills may not date a sale before their company was set up), so that tests may sell
    /// on fixed dates.
    pub fn store(&self, code: &str) -> i64 {
        let mut conn = self.conn();
        let store =
            patron::stores::model::ensure(&mut conn, code, &format!("Store {code}")).unwrap();
        let since = "2020-01-01T00:00:00Z".parse().unwrap();
        patron::stores::model::date_back(&mut conn, store.company_id, since).unwrap();
        store.id
    }

    /// A new terminal token for store `code` (made on first use): the secret a till sends.
    pub fn terminal_token(&self, code: &str) -> String {
        let store_id = self.store(code);
        patron::stores::model::tokens::create(
            &mut self.conn(),
            store_id,
            "Test till",
            &patron::kernel::Actor::System("test"),
        )
        .unwrap()
        .secret
    }

    /// A till's client: JSON requests with `Authorization: Bearer <token>`.
    pub fn terminal(&self, token: &str) -> ApiClient {
        ApiClient {
            base: self.base.clone(),
            token: Some(token.to_owned()),
            http: http_client().build().unwrap(),
        }
    }

    /// Adds a user with `role` and the harness password.
    pub fn user(&self, role: Role) -> TestUser {
        let n: u32 = rand::random();
        self.user_named(
            role,
            &format!("{}-{n:08x}@example.com", role.as_str()),
            &format!("Test {} {n:08x}", role.label()),
        )
    }

    /// Adds a user with `role`, `email` and `name`.
    pub fn user_named(&self, role: Role, email: &str, name: &str) -> TestUser {
        let store_id = role.needs_store().then(|| self.store("TEST"));
        let user = users::insert(
            &mut self.conn(),
            &NewUser {
                email,
                name,
                password_hash: &PASSWORD_HASH,
                role: role.as_str(),
                store_id,
            },
        )
        .unwrap();
        TestUser {
            id: user.id,
            email: user.email,
            name: user.name,
        }
    }

    /// A browser-like client that is not signed in.
    pub fn client(&self) -> TestClient {
        TestClient::new(&self.base, None)
    }

    /// A browser-like client whose connections come from `address` (any 127.x.y.z reaches the
    /// loopback server), for what is counted per client address.
    pub fn client_from(&self, address: std::net::IpAddr) -> TestClient {
        TestClient::new(&self.base, Some(address))
    }

    /// A new user with `role`, signed in.
    pub async fn signed_in(&self, role: Role) -> (TestClient, TestUser) {
        let user = self.user(role);
        let client = self.client();
        let page = client.sign_in(&user.email, PASSWORD).await;
        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "sign-in failed: {}",
            page.body
        );
        (client, user)
    }

    /// Runs SQL on the app's database.
    pub fn sql(&self, query: &str) -> usize {
        diesel::sql_query(query).execute(&mut self.conn()).unwrap()
    }

    /// The one text value `query` answers on the database at `url` (another server's).
    pub fn text_at(url: &str, query: &str) -> String {
        #[derive(QueryableByName)]
        struct T {
            #[diesel(sql_type = diesel::sql_types::Text)]
            t: String,
        }
        let mut conn = <diesel::PgConnection as diesel::Connection>::establish(url).unwrap();
        diesel::sql_query(query)
            .get_result::<T>(&mut conn)
            .unwrap()
            .t
    }

    /// The one text value `query` (a `SELECT ... AS t`) answers.
    pub fn text(&self, query: &str) -> String {
        #[derive(QueryableByName)]
        struct T {
            #[diesel(sql_type = diesel::sql_types::Text)]
            t: String,
        }
        diesel::sql_query(query)
            .get_result::<T>(&mut self.conn())
            .unwrap()
            .t
    }

    /// Number of rows `query` (a `SELECT count(*) AS n ...`) counts.
    pub fn count(&self, query: &str) -> i64 {
        #[derive(QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        diesel::sql_query(query)
            .get_result::<N>(&mut self.conn())
            .unwrap()
            .n
    }
}

impl TestApp {
    /// Asserts that PostgreSQL plans each query with the named index. Sequential scans are
    /// switched off, so that on a test's tiny tables the plan shows whether an index can serve
    /// the query at all.
    #[track_caller]
    pub fn assert_indexed(&self, cases: &[(&str, &str)]) {
        #[derive(QueryableByName)]
        struct Line {
            #[diesel(sql_type = diesel::sql_types::Text, column_name = "QUERY PLAN")]
            line: String,
        }
        let mut conn = self.db.conn();
        diesel::sql_query("SET enable_seqscan = off")
            .execute(&mut conn)
            .unwrap();
        for (query, index) in cases {
            let plan: Vec<Line> = diesel::sql_query(format!("EXPLAIN {query}"))
                .load(&mut conn)
                .unwrap();
            let plan: Vec<String> = plan.into_iter().map(|l| l.line).collect();
            assert!(
                plan.iter().any(|l| l.contains(index)),
                "{query}:\n{}",
                plan.join("\n")
            );
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Sent at once; the workers stop and drop their pool before the database goes.
        drop(self.handle.stop(false));
    }
}

/// What came back from a request.
#[derive(Debug)]
pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Page {
    /// The Location header of a redirect.
    pub fn location(&self) -> Option<&str> {
        self.headers.get("location").and_then(|v| v.to_str().ok())
    }

    /// Asserts the body contains `text`, showing the body when it does not.
    #[track_caller]
    pub fn assert_contains(&self, text: &str) {
        assert!(
            self.body.contains(text),
            "expected {text:?} in:\n{}",
            self.body
        );
    }

    /// The pager's link `rel` ("next" or "prev") as a browser follows it, if the page has one.
    pub fn pager_link(&self, rel: &str) -> Option<String> {
        let marker = format!("rel=\"{rel}\" href=\"");
        let rest = self.body.split(&marker).nth(1)?;
        Some(
            rest[..rest.find('"')?]
                .replace("&#38;", "&")
                .replace("&amp;", "&"),
        )
    }

    /// Asserts the body does not contain `text`.
    #[track_caller]
    pub fn assert_lacks(&self, text: &str) {
        assert!(
            !self.body.contains(text),
            "did not expect {text:?} in:\n{}",
            self.body
        );
    }
}

/// An HTTP client with a cookie jar that follows no redirects (tests look at them) and sends the
/// session's CSRF token with every form, as the pages do.
pub struct TestClient {
    http: reqwest::Client,
    jar: Arc<reqwest::cookie::Jar>,
    base: String,
    csrf: Mutex<Option<String>>,
}

impl TestClient {
    fn new(base: &str, address: Option<std::net::IpAddr>) -> TestClient {
        let jar = Arc::new(reqwest::cookie::Jar::default());
        let http = http_client()
            .local_address(address)
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        TestClient {
            http,
            jar,
            base: base.to_owned(),
            csrf: Mutex::new(None),
        }
    }

    /// The session cookie's value, if any.
    pub fn session_cookie(&self) -> Option<String> {
        use reqwest::cookie::CookieStore;
        let url = self.base.parse().unwrap();
        let header = self.jar.cookies(&url)?;
        header
            .to_str()
            .unwrap()
            .split("; ")
            .find_map(|c| c.strip_prefix("patron_session=").map(str::to_owned))
    }

    /// The CSRF token the last page carried.
    pub fn csrf(&self) -> Option<String> {
        self.csrf.lock().unwrap().clone()
    }

    async fn read(&self, res: reqwest::Response) -> Page {
        let status = res.status();
        let headers = res.headers().clone();
        let body = res.text().await.unwrap();
        if let Some(token) = meta_csrf(&body) {
            *self.csrf.lock().unwrap() = Some(token);
        }
        Page {
            status,
            headers,
            body,
        }
    }

    /// GET as a browser navigating.
    pub async fn get(&self, path: &str) -> Page {
        let res = self
            .http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        self.read(res).await
    }

    /// GET as htmx asking for a fragment.
    pub async fn get_fragment(&self, path: &str) -> Page {
        let res = self
            .http
            .get(format!("{}{path}", self.base))
            .header("HX-Request", "true")
            .send()
            .await
            .unwrap();
        self.read(res).await
    }

    /// Posts a form with the session's CSRF token, as the pages' forms do.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        if self.csrf().is_none() {
            self.get("/login").await;
        }
        let token = self.csrf().unwrap_or_default();
        let mut all: Vec<(&str, &str)> = vec![("csrf_token", &token)];
        all.extend_from_slice(fields);
        self.post_raw(path, &all).await
    }

    /// Posts exactly `fields`, token or not.
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let res = self
            .http
            .post(format!("{}{path}", self.base))
            .form(fields)
            .send()
            .await
            .unwrap();
        self.read(res).await
    }

    /// Posts with the token in the X-CSRF-Token header, as htmx does.
    pub async fn post_htmx(&self, path: &str, fields: &[(&str, &str)], token: &str) -> Page {
        let res = self
            .http
            .post(format!("{}{path}", self.base))
            .header("HX-Request", "true")
            .header("X-CSRF-Token", token)
            .form(fields)
            .send()
            .await
            .unwrap();
        self.read(res).await
    }

    /// Uploads `bytes` as the form's `file` field, the token in the action URL as the page's form
    /// has it.
    pub async fn upload(&self, path: &str, file_name: &str, bytes: Vec<u8>) -> Page {
        let token = self.csrf().unwrap_or_default();
        let part = reqwest::multipart::Part::bytes(bytes)
            .file_name(file_name.to_owned())
            .mime_str("text/csv")
            .unwrap();
        let form = reqwest::multipart::Form::new().part("file", part);
        let res = self
            .http
            .post(format!("{}{path}?csrf_token={token}", self.base))
            .multipart(form)
            .send()
            .await
            .unwrap();
        self.read(res).await
    }

    /// Sends DELETE with the CSRF header, as a script on the page could.
    pub async fn delete(&self, path: &str, token: &str) -> Page {
        let res = self
            .http
            .delete(format!("{}{path}", self.base))
            .header("X-CSRF-Token", token)
            .send()
            .await
            .unwrap();
        self.read(res).await
    }

    /// Signs in asking to be sent to `next` afterwards.
    pub async fn sign_in_with_next(&self, email: &str, next: &str) -> Page {
        self.get("/login").await;
        let page = self
            .post_form(
                "/login",
                &[("email", email), ("password", PASSWORD), ("next", next)],
            )
            .await;
        if let Some(location) = page.location() {
            self.get(location).await;
        }
        page
    }

    /// Opens the sign-in page and signs in; on success it opens the page it is sent to, as a
    /// browser would (which also brings the new session's CSRF token).
    pub async fn sign_in(&self, email: &str, password: &str) -> Page {
        self.get("/login").await;
        let page = self
            .post_form("/login", &[("email", email), ("password", password)])
            .await;
        if let Some(location) = page.location() {
            self.get(location).await;
        }
        page
    }
}

/// Every test client: it lets go of an idle connection well before the server would close it
/// (`app::KEEP_ALIVE`), so that a test that waited for a background job never sends its next
/// request down a connection the server is closing. The check is made when a connection is taken
/// from the pool, so it holds even when the test blocked its runtime while it waited.
fn http_client() -> reqwest::ClientBuilder {
    reqwest::Client::builder().pool_idle_timeout(app::KEEP_ALIVE / 3)
}

fn meta_csrf(body: &str) -> Option<String> {
    let start =
        body.find("name=\"csrf-token\" content=\"")? + "name=\"csrf-token\" content=\"".len();
    let len = body[start..].find('"')?;
    Some(body[start..start + len].to_owned())
}

/// A store terminal speaking JSON to the API.
pub struct ApiClient {
    base: String,
    token: Option<String>,
    http: reqwest::Client,
}

/// An API answer: status and JSON body (`Null` when the body is not JSON).
#[derive(Debug)]
pub struct ApiReply {
    pub status: StatusCode,
    pub json: serde_json::Value,
}

impl ApiClient {
    /// The same till without any token.
    pub fn without_token(&self) -> ApiClient {
        ApiClient {
            base: self.base.clone(),
            token: None,
            http: self.http.clone(),
        }
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> ApiReply {
        let request = match &self.token {
            Some(token) => request.bearer_auth(token),
            None => request,
        };
        let response = request.send().await.unwrap();
        let status = response.status();
        let json = response.json().await.unwrap_or(serde_json::Value::Null);
        ApiReply { status, json }
    }

    /// `GET path`.
    pub async fn get(&self, path: &str) -> ApiReply {
        self.send(self.http.get(format!("{}{path}", self.base)))
            .await
    }

    /// `POST path` with a JSON body. A new invoice's answer is checked against the invoice read
    /// back (`GET /api/v1/invoices/{id}`): the server builds it before writing, and every sale a
    /// test submits must read back as it was answered.
    pub async fn post(&self, path: &str, body: &serde_json::Value) -> ApiReply {
        let reply = self
            .send(self.http.post(format!("{}{path}", self.base)).json(body))
            .await;
        if path == "/api/v1/invoices" && reply.status == StatusCode::CREATED {
            let id = reply.json["id"].as_str().unwrap_or_default();
            let read = self.get(&format!("/api/v1/invoices/{id}")).await;
            assert_eq!(read.status, StatusCode::OK, "{:?}", read.json);
            assert_eq!(
                read.json, reply.json,
                "a submission's answer differs from the invoice read back"
            );
        }
        reply
    }

    /// `POST path` with these bytes as a JSON body, whatever they hold.
    pub async fn post_bytes(&self, path: &str, body: Vec<u8>) -> ApiReply {
        self.send(
            self.http
                .post(format!("{}{path}", self.base))
                .header("content-type", "application/json")
                .body(body),
        )
        .await
    }

    /// `PATCH path` with a JSON body.
    pub async fn patch(&self, path: &str, body: &serde_json::Value) -> ApiReply {
        self.send(self.http.patch(format!("{}{path}", self.base)).json(body))
            .await
    }

    /// `method path`, with a JSON body when one is given.
    pub async fn request(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> ApiReply {
        let request = self.http.request(method, format!("{}{path}", self.base));
        self.send(match body {
            Some(body) => request.json(body),
            None => request,
        })
        .await
    }
}
