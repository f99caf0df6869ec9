//! Many requests at once, as on salary day: a real server on a loopback port, two signed-in
//! customers and staff asking for every kind of page, the server functions their pages call and
//! the static files, 32 at a time. Every page must be whole (2xx or 3xx, never the error page),
//! carry the page policy with its render's nonce and show its own customer; files and data never
//! carry another response's policy or cookies. Some requests are dropped part-way, as a browser
//! does when the customer navigates away.
//!
//! Bounded: 2,000 requests (PORTAL_LOAD_REQUESTS raises or lowers it), loopback only, and the
//! whole run must end within three minutes.

mod common;

use common::{TestApp, signed_in, staff_signed_in};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const CONCURRENCY: usize = 32;
/// The one page expected to answer 404 (with a whole page).
const NOT_FOUND: &str = "/no-such-page";

/// One answer as the test reads it off the socket.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// One request of the mix: a page (GET), or a server function the hydrated page calls (POST
/// with a form body), as a browser sends them side by side.
#[derive(Clone)]
struct Call {
    path: String,
    cookie: Option<String>,
    form: Option<String>,
    /// The signed-in customer's name, which the page's header must show (never another's).
    viewer: Option<String>,
}

/// A plain HTTP/1.1 request over its own connection. `abort_after` drops the connection once
/// that many bytes have arrived, like a tab closed mid-load; then only the status is known.
async fn send(addr: SocketAddr, call: &Call, abort_after: Option<usize>) -> std::io::Result<Answer> {
    let mut stream = tokio::net::TcpStream::connect(addr).await?;
    let cookie = call.cookie.as_ref().map(|c| format!("Cookie: {c}\r\n")).unwrap_or_default();
    let path = &call.path;
    let head = format!("Host: {addr}\r\nAccept-Language: zh-CN\r\n{cookie}Connection: close\r\n");
    let request = match &call.form {
        None => format!("GET {path} HTTP/1.1\r\n{head}Accept: text/html\r\n\r\n"),
        Some(form) => format!(
            "POST {path} HTTP/1.1\r\n{head}Accept: application/json\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{form}",
            form.len()
        ),
    };
    stream.write_all(request.as_bytes()).await?;
    let mut raw = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        raw.extend_from_slice(&buf[..n]);
        if abort_after.is_some_and(|limit| raw.len() >= limit && raw.windows(4).any(|w| w == b"\r\n\r\n")) {
            break;
        }
    }
    drop(stream);
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").ok_or_else(|| std::io::Error::other("no header end"))?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("bad status line in {head:?}")))?;
    let headers: Vec<(String, String)> =
        lines.filter_map(|l| l.split_once(':')).map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned())).collect();
    let rest = &raw[split + 4..];
    let chunked = headers.iter().any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    let body = if chunked && abort_after.is_none() { dechunk(rest)? } else { rest.to_vec() };
    Ok(Answer { status, headers, body: String::from_utf8_lossy(&body).into_owned() })
}

fn dechunk(mut rest: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = rest.windows(2).position(|w| w == b"\r\n").ok_or_else(|| std::io::Error::other("cut chunk"))?;
        let size_text = String::from_utf8_lossy(&rest[..line_end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .map_err(|_| std::io::Error::other(format!("bad chunk size {size_text:?}")))?;
        rest = &rest[line_end + 2..];
        if size == 0 {
            return Ok(out);
        }
        if rest.len() < size + 2 {
            return Err(std::io::Error::other("cut chunk"));
        }
        out.extend_from_slice(&rest[..size]);
        rest = &rest[size + 2..];
    }
}

/// What is wrong with one answer to a page request, if anything.
fn problem_with(call: &Call, answer: &Answer, whole: bool) -> Option<String> {
    let path = &call.path;
    let expected = if path == NOT_FOUND { answer.status == 404 } else { (200..400).contains(&answer.status) };
    if !expected {
        return Some(format!("{path}: HTTP {}", answer.status));
    }
    let is_html = answer.header("content-type").is_some_and(|t| t.starts_with("text/html"));
    if !is_html {
        // A file, or a server function's data: never another response's policy or cookies.
        if answer.header("set-cookie").is_some() {
            return Some(format!("{path}: came with a Set-Cookie header"));
        }
        if answer.header("content-security-policy").is_some_and(|p| p.contains("'nonce-")) {
            return Some(format!("{path}: came with a page's policy"));
        }
        return None;
    }
    let Some(policy) = answer.header("content-security-policy") else {
        return Some(format!("{path}: no Content-Security-Policy"));
    };
    let Some(nonce) = policy.split("'nonce-").nth(1).and_then(|rest| rest.split('\'').next()) else {
        return Some(format!("{path}: the policy has no nonce: {policy}"));
    };
    if whole {
        // (The body was read to its last chunk; the resources' data follows the document.)
        if !answer.body.contains("</html>") {
            return Some(format!("{path}: the page is not whole ({} bytes)", answer.body.len()));
        }
        if !answer.body.contains(&format!("nonce=\"{nonce}\"")) {
            return Some(format!("{path}: the page's scripts do not carry the policy's nonce"));
        }
        if let Some(name) = &call.viewer
            && !answer.body.contains(&format!("class=\"viewer\">{name}<"))
        {
            return Some(format!("{path}: the page does not show its own customer {name}"));
        }
    }
    None
}

/// A portal whose site root holds a stylesheet and an icon, as the built site does, so that
/// static files are served in the mix too.
async fn with_built_site() -> TestApp {
    let db = common::TestDb::fresh().await;
    let site = db.dir.path().join("site");
    std::fs::create_dir_all(site.join("pkg")).unwrap();
    std::fs::write(site.join("pkg/portal.css"), "body { margin: 0 }\n").unwrap();
    std::fs::write(site.join("favicon.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n").unwrap();
    let mut config = common::test_config(&db, &[]);
    config.leptos_options.site_root = site.display().to_string().into();
    TestApp::start(db, config).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_kind_of_page_answers_whole_when_many_ask_at_once() {
    // A panic anywhere in the server (also in a task a page's render spawned) fails the run.
    let panics = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = panics.clone();
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        default_hook(info);
    }));
    let app = with_built_site().await;
    let now = chrono::Utc::now().timestamp();
    let customer = signed_in(&app, "C000001", "13800000001", now).await;
    let branch_staff = staff_signed_in(&app, "S0201", "13900000201", now).await;
    let supervisor = staff_signed_in(&app, "S0101", "13900000101", now).await;
    let pool = &app.state.pool;
    let account: i64 =
        sqlx::query_scalar("SELECT id FROM accounts WHERE customer_id = 1 AND kind = 'demand' ORDER BY id")
            .fetch_one(pool)
            .await
            .unwrap();
    let tx: i64 = sqlx::query_scalar("SELECT id FROM transactions WHERE account_id = $1 ORDER BY id DESC LIMIT 1")
        .bind(account)
        .fetch_one(pool)
        .await
        .unwrap();
    let month = app::accounts::china_today(now).format("%Y-%m").to_string();

    let second = signed_in(&app, "C000002", "13800000002", now).await;
    let name_of = |id: i64| async move {
        sqlx::query_scalar::<_, String>("SELECT name FROM customers WHERE id = $1")
            .bind(id)
            .fetch_one(pool)
            .await
            .unwrap()
    };
    let (first_name, second_name) = (name_of(1).await, name_of(2).await);
    assert_ne!(first_name, second_name);

    // An agent in a delegated session of customer 5's (consented with the code), beside their own.
    let agent = staff_signed_in(&app, "S0007", "13900000007", now).await;
    let acting =
        app::guard::authenticate(pool, &app.state.signing_key, &agent.access_token, now).await.unwrap().unwrap();
    let reason = "Customer asks for help booking a visit";
    let assist =
        app::delegation::service::request(&app.state, &acting, "C000005", reason, "CT20261202001", now).await.unwrap();
    let code: String = sqlx::query_scalar("SELECT consent_code FROM delegations WHERE id = $1")
        .bind(assist)
        .fetch_one(pool)
        .await
        .unwrap();
    let app::delegation::service::Entered::Given(assist_token) =
        app::delegation::service::enter_code(&app.state, &acting, assist, &code, now).await.unwrap()
    else {
        panic!("the code opens the session")
    };
    let assisted_name = name_of(5).await;

    let as_customer = format!("portal_session={}", customer.access_token);
    let as_second = format!("portal_session={}", second.access_token);
    let as_branch = format!("portal_session={}", branch_staff.access_token);
    let as_supervisor = format!("portal_session={}", supervisor.access_token);
    let as_assisted = format!("portal_session={}; portal_assist={assist_token}", agent.access_token);
    let page = |path: String, cookie: Option<&String>, viewer: Option<&String>| Call {
        path,
        cookie: cookie.cloned(),
        form: None,
        viewer: viewer.cloned(),
    };
    let mine = |path: &str| page(path.to_owned(), Some(&as_customer), Some(&first_name));
    let theirs = |path: &str| page(path.to_owned(), Some(&as_second), Some(&second_name));
    let function = |path: &str, form: String| Call {
        path: path.to_owned(),
        cookie: Some(as_customer.clone()),
        form: Some(form),
        viewer: None,
    };
    let calls: Vec<Call> = vec![
        page("/".to_owned(), None, None),
        page("/sign-in".to_owned(), None, None),
        page(NOT_FOUND.to_owned(), None, None),
        mine("/accounts"),
        theirs("/accounts"),
        mine(&format!("/accounts/{account}")),
        mine(&format!("/accounts/{account}?period=3m&dir=out")),
        mine(&format!("/accounts/{account}/statement?month={month}")),
        mine(&format!("/accounts/{account}/transactions/{tx}/report")),
        mine("/appointments"),
        theirs("/appointments"),
        mine("/appointments/book"),
        mine("/complaints"),
        mine("/complaints/new"),
        mine("/wealth"),
        mine("/wealth?risk=3&term=open"),
        mine("/wealth/assessment?a=2.3.3&q=4"),
        mine("/wealth/products/AX-FI-91"),
        theirs("/wealth/products/AX-EQ-01"),
        mine("/messages"),
        theirs("/messages"),
        mine("/settings"),
        theirs("/settings"),
        mine("/settings/password"),
        page("/staff/home".to_owned(), Some(&as_branch), None),
        page("/staff/appointments".to_owned(), Some(&as_branch), None),
        page("/staff/reports".to_owned(), Some(&as_supervisor), None),
        page("/staff/complaints/report".to_owned(), Some(&as_supervisor), None),
        page("/staff/wealth".to_owned(), Some(&as_supervisor), None),
        page("/staff/customers?q=C000003".to_owned(), Some(&as_supervisor), None),
        page("/staff/delegations".to_owned(), Some(&as_supervisor), None),
        page("/accounts".to_owned(), Some(&as_assisted), Some(&assisted_name)),
        page("/appointments".to_owned(), Some(&as_assisted), Some(&assisted_name)),
        page("/pkg/portal.css".to_owned(), Some(&as_customer), None),
        page("/favicon.svg".to_owned(), Some(&as_second), None),
        function("/api/messages/unread", String::new()),
        function("/api/accounts/overview", String::new()),
        function("/api/accounts/account", format!("account_id={account}")),
        function("/api/appointments/mine", String::new()),
    ];

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(server::serve_on(listener, app.router.clone(), async {
        let _ = stopped.await;
    }));

    let total: usize = std::env::var("PORTAL_LOAD_REQUESTS").ok().and_then(|n| n.parse().ok()).unwrap_or(2000);
    let run = async {
        use futures::StreamExt;
        futures::stream::iter(0..total)
            .map(|i| {
                let call = calls[i % calls.len()].clone();
                // Every ninth request is dropped part-way: once its header and 64 to 3,000 bytes
                // more are in (at varied points of a streamed page).
                let abort_after = (i % 9 == 8).then_some(64 + (i * 37) % 3000);
                async move {
                    match send(addr, &call, abort_after).await {
                        Ok(answer) => problem_with(&call, &answer, abort_after.is_none()),
                        Err(e) => Some(format!("{}: {e}", call.path)),
                    }
                }
            })
            .buffer_unordered(CONCURRENCY)
            .filter_map(|problem| async move { problem })
            .collect::<Vec<String>>()
            .await
    };
    let problems =
        tokio::time::timeout(Duration::from_secs(180), run).await.expect("the load run ends within 3 minutes");

    let _ = stop.send(());
    server.await.unwrap().unwrap();
    let mut counted: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for p in &problems {
        *counted.entry(p.as_str()).or_default() += 1;
    }
    assert!(problems.is_empty(), "{} of {total} requests failed: {counted:#?}", problems.len());
    assert_eq!(panics.load(std::sync::atomic::Ordering::SeqCst), 0, "the server panicked during the run");
    app.cleanup().await;
}
