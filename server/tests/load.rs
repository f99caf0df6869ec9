//! Many requests at once, as on salary day: a real server on a loopback port, signed-in
//! customers and staff asking for every kind of page 32 at a time. Every answer must be a whole
//! page (2xx or 3xx, never the error page) carrying the page policy with its render's nonce.
//! Some requests are dropped part-way, as a browser does when the customer navigates away.
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

/// A plain HTTP/1.1 GET over its own connection. `abort_after` drops the connection once that
/// many bytes have arrived, like a tab closed mid-load; then only the status is known.
async fn get(
    addr: SocketAddr,
    path: &str,
    cookie: Option<&str>,
    abort_after: Option<usize>,
) -> std::io::Result<Answer> {
    let mut stream = tokio::net::TcpStream::connect(addr).await?;
    let cookie = cookie.map(|c| format!("Cookie: {c}\r\n")).unwrap_or_default();
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: text/html\r\nAccept-Language: zh-CN\r\n{cookie}Connection: close\r\n\r\n"
    );
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
fn problem_with(path: &str, answer: &Answer, whole: bool) -> Option<String> {
    let expected = if path == NOT_FOUND { answer.status == 404 } else { (200..400).contains(&answer.status) };
    if !expected {
        return Some(format!("{path}: HTTP {}", answer.status));
    }
    let is_html = answer.header("content-type").is_some_and(|t| t.starts_with("text/html"));
    if !is_html {
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
    }
    None
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_kind_of_page_answers_whole_when_many_ask_at_once() {
    let app = TestApp::spawn(&[]).await;
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

    let as_customer = format!("portal_session={}", customer.access_token);
    let as_branch = format!("portal_session={}", branch_staff.access_token);
    let as_supervisor = format!("portal_session={}", supervisor.access_token);
    let pages: Vec<(String, Option<String>)> = [
        ("/".to_owned(), None),
        ("/sign-in".to_owned(), None),
        (NOT_FOUND.to_owned(), None),
        ("/accounts".to_owned(), Some(&as_customer)),
        (format!("/accounts/{account}"), Some(&as_customer)),
        (format!("/accounts/{account}?period=3m&dir=out"), Some(&as_customer)),
        (format!("/accounts/{account}/statement?month={month}"), Some(&as_customer)),
        (format!("/accounts/{account}/transactions/{tx}/report"), Some(&as_customer)),
        ("/appointments".to_owned(), Some(&as_customer)),
        ("/appointments/book".to_owned(), Some(&as_customer)),
        ("/complaints".to_owned(), Some(&as_customer)),
        ("/wealth".to_owned(), Some(&as_customer)),
        ("/messages".to_owned(), Some(&as_customer)),
        ("/settings".to_owned(), Some(&as_customer)),
        ("/settings/password".to_owned(), Some(&as_customer)),
        ("/staff/home".to_owned(), Some(&as_branch)),
        ("/staff/appointments".to_owned(), Some(&as_branch)),
        ("/staff/reports".to_owned(), Some(&as_supervisor)),
    ]
    .into_iter()
    .map(|(path, cookie)| (path, cookie.cloned()))
    .collect();

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
                let (path, cookie) = pages[i % pages.len()].clone();
                // Every ninth request is dropped once its first bytes are in.
                let abort_after = (i % 9 == 8).then_some(64);
                async move {
                    match get(addr, &path, cookie.as_deref(), abort_after).await {
                        Ok(answer) => problem_with(&path, &answer, abort_after.is_none()),
                        Err(e) => Some(format!("{path}: {e}")),
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
    app.cleanup().await;
}
