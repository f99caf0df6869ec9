//! The pages a visitor sees before signing in (`app::shell::PAGES_WITHOUT_APP`: the landing page
//! and the two sign-in doors), rendered once per language and display and then served from memory.
//!
//! Those pages read nothing but the language and the display cookies: no session, no data, no
//! clock, no script state (they load no app). A request for one of them that carries nothing else
//! (no query, no other cookie: a session, a sign-in in progress, an assisted session all render
//! as usual) is answered from the copy rendered for its language and display, with a nonce of its
//! own: the copy keeps where the render's nonce stood, and each answer fills in a fresh one, in the
//! body and in the page's policy. Rendering is most of what a page costs the server (perf: the
//! landing page spent 56% of its time in Leptos's rendering), and these are the pages everyone
//! opens first. Each portal instance keeps its own copies (at most 3 pages × 2 languages × 6
//! displays); the `x-page-cache` header says whether an answer was rendered (`miss`) or copied (`hit`).
//!
//! Browsers ask for compressed pages, and compressing each copy again as it is sent cost two
//! thirds of the copies' speed. So each copy is also kept compressed, as gzip can be put together:
//! every piece between two nonces compressed on its own (a deflate stream flushed to a byte, which
//! refers to nothing before it), the nonce between them as a stored (uncompressed) block, and the
//! checksum of the whole counted for each answer.

use app::display::{Display, ELDER_COOKIE, THEME_COOKIE};
use app::i18n::Locale;
use app::shell::{PAGES_WITHOUT_APP, parse_locale, security_policy::content_security_policy};
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use flate2::{Compress, Compression, Crc, FlushCompress};
use http::header::{self, HeaderName, HeaderValue};
use http::{HeaderMap, Method, StatusCode};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

pub const CACHE_HEADER: HeaderName = HeaderName::from_static("x-page-cache");

/// The largest page kept (the landing page is about 10 KB).
const MAX_PAGE_BYTES: usize = 256 * 1024;

/// What a cached page's HTML depends on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    path: &'static str,
    locale: Locale,
    display: Display,
}

/// One rendered page: its headers (but its policy) and its body cut where the nonce stood, as it
/// is and each piece compressed (`deflate_piece`).
struct Rendered {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<Bytes>,
    deflated: Vec<Bytes>,
}

#[derive(Clone, Default)]
pub struct PageCache(Arc<RwLock<HashMap<Key, Arc<Rendered>>>>);

/// The key of a request that may be answered from a copy, or None: GET, a page without the app,
/// no query, and no cookie but the language and display ones. Reads the language from
/// Accept-Language, which `http::guard_and_negotiate` has set to the one negotiated.
pub fn key_of(method: &Method, path: &str, query: Option<&str>, headers: &HeaderMap) -> Option<Key> {
    if method != Method::GET || query.is_some() {
        return None;
    }
    let path = PAGES_WITHOUT_APP.into_iter().find(|p| *p == path)?;
    let locale = parse_locale(headers.get(header::ACCEPT_LANGUAGE)?.to_str().ok()?)?;
    for value in headers.get_all(header::COOKIE) {
        for pair in value.to_str().ok()?.split(';').filter(|p| !p.trim().is_empty()) {
            let (name, _) = pair.trim().split_once('=')?;
            if ![app::LOCALE_COOKIE, ELDER_COOKIE, THEME_COOKIE].contains(&name) {
                return None;
            }
        }
    }
    // Read as the page reads it.
    Some(Key { path, locale, display: Display::of_request(headers) })
}

/// The nonce a page's policy names (`'nonce-…'`).
fn nonce_of(policy: &str) -> Option<&str> {
    let start = policy.find("'nonce-")? + "'nonce-".len();
    let len = policy[start..].find('\'')?;
    Some(&policy[start..start + len]).filter(|n| !n.is_empty())
}

/// `body` cut at every occurrence of `nonce`.
fn cut(body: &[u8], nonce: &str) -> Vec<Bytes> {
    let nonce = nonce.as_bytes();
    let mut parts = Vec::new();
    let (mut from, mut i) = (0, 0);
    while i + nonce.len() <= body.len() {
        if &body[i..i + nonce.len()] == nonce {
            parts.push(Bytes::copy_from_slice(&body[from..i]));
            i += nonce.len();
            from = i;
        } else {
            i += 1;
        }
    }
    parts.push(Bytes::copy_from_slice(&body[from..]));
    parts
}

/// The parts joined with `nonce` between them.
fn fill(parts: &[Bytes], nonce: &str) -> Vec<u8> {
    let mut body = Vec::with_capacity(parts.iter().map(Bytes::len).sum::<usize>() + nonce.len() * parts.len());
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            body.extend_from_slice(nonce.as_bytes());
        }
        body.extend_from_slice(part);
    }
    body
}

/// `piece` as raw deflate that ends on a byte with a sync flush, so that what follows can be
/// another block or another such stream; its matches reach only within `piece`.
fn deflate_piece(piece: &[u8]) -> Bytes {
    let mut compress = Compress::new(Compression::default(), false);
    let mut out = Vec::with_capacity(piece.len() / 2 + 64);
    loop {
        let read = usize::try_from(compress.total_in()).unwrap_or(usize::MAX).min(piece.len());
        // Only fails on a stream error, which a fresh compressor with its own buffer cannot have.
        compress.compress_vec(&piece[read..], &mut out, FlushCompress::Sync).expect("deflate into a vector");
        // The flush is complete when all input is read and output room is left over.
        if compress.total_in() as usize == piece.len() && out.len() < out.capacity() {
            return Bytes::from(out);
        }
        out.reserve(out.capacity().max(64));
    }
}

/// A gzip file of the pieces with `nonce` between them: the deflated pieces, the nonce as stored
/// blocks, an empty final block, and the checksum and length of the whole.
fn gzip(pieces: &[Bytes], deflated: &[Bytes], nonce: &str) -> Vec<u8> {
    const HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255];
    let nonce = nonce.as_bytes();
    let len = u16::try_from(nonce.len()).expect("a nonce is short");
    let mut out =
        Vec::with_capacity(deflated.iter().map(Bytes::len).sum::<usize>() + (nonce.len() + 5) * pieces.len() + 23);
    out.extend_from_slice(&HEADER);
    let mut crc = Crc::new();
    for (i, (piece, compressed)) in pieces.iter().zip(deflated).enumerate() {
        if i > 0 {
            // A stored block, not the last: BFINAL 0, BTYPE 00, then LEN and its complement.
            out.push(0);
            out.extend_from_slice(&len.to_le_bytes());
            out.extend_from_slice(&(!len).to_le_bytes());
            out.extend_from_slice(nonce);
            crc.update(nonce);
        }
        out.extend_from_slice(compressed);
        crc.update(piece);
    }
    // The last block: stored, empty.
    out.extend_from_slice(&[1, 0, 0, 0xff, 0xff]);
    out.extend_from_slice(&crc.sum().to_le_bytes());
    out.extend_from_slice(&crc.amount().to_le_bytes());
    out
}

/// Whether the request accepts gzip (named, and not with q=0).
fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers.get_all(header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).any(
        |coding| {
            let mut parts = coding.split(';').map(str::trim);
            parts.next().is_some_and(|name| name.eq_ignore_ascii_case("gzip"))
                && parts.all(|p| p.strip_prefix("q=").and_then(|q| q.parse::<f32>().ok()).is_none_or(|q| q > 0.0))
        },
    )
}

impl Rendered {
    fn answer(&self, gzipped: bool) -> Response {
        let nonce = leptos::nonce::Nonce::new().to_string();
        let body = if gzipped { gzip(&self.body, &self.deflated, &nonce) } else { fill(&self.body, &nonce) };
        let mut response = Response::new(Body::from(body));
        *response.status_mut() = self.status;
        *response.headers_mut() = self.headers.clone();
        if gzipped {
            response.headers_mut().insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        }
        response.headers_mut().insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        if let Ok(policy) = HeaderValue::from_str(&content_security_policy(&nonce)) {
            response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, policy);
        }
        response.headers_mut().insert(CACHE_HEADER, HeaderValue::from_static("hit"));
        response
    }
}

/// The middleware: answers from a copy when it can, and keeps a copy of a page it rendered when
/// the answer is a plain 200 page with its nonce (not one that sets a cookie).
pub async fn serve(State(cache): State<PageCache>, req: Request, next: Next) -> Response {
    let Some(key) = key_of(req.method(), req.uri().path(), req.uri().query(), req.headers()) else {
        return next.run(req).await;
    };
    let gzipped = accepts_gzip(req.headers());
    let copy = cache.0.read().unwrap_or_else(|e| e.into_inner()).get(&key).cloned();
    if let Some(copy) = copy {
        return copy.answer(gzipped);
    }
    let request_id =
        req.headers().get(&crate::http::REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-").to_owned();
    let response = next.run(req).await;
    let policy = response.headers().get(header::CONTENT_SECURITY_POLICY).and_then(|v| v.to_str().ok());
    let nonce = policy.and_then(nonce_of).map(str::to_owned);
    let keep = response.status() == StatusCode::OK && !response.headers().contains_key(header::SET_COOKIE);
    let (Some(nonce), true) = (nonce, keep) else { return response };
    let (mut parts, body) = response.into_parts();
    let body = match axum::body::to_bytes(body, MAX_PAGE_BYTES).await {
        Ok(body) => body,
        Err(e) => {
            // Too large to keep, or the render failed part-way: this answer cannot be sent whole.
            tracing::error!(path = key.path, %request_id, error = %e, "a page without the app could not be read whole");
            return crate::http::error_page(StatusCode::INTERNAL_SERVER_ERROR, key.locale, &request_id);
        }
    };
    parts.headers.remove(header::CONTENT_SECURITY_POLICY);
    parts.headers.remove(header::CONTENT_LENGTH);
    let pieces = cut(&body, &nonce);
    let deflated = pieces.iter().map(|piece| deflate_piece(piece)).collect();
    let copy = Arc::new(Rendered { status: parts.status, headers: parts.headers, body: pieces, deflated });
    cache.0.write().unwrap_or_else(|e| e.into_inner()).insert(key, copy.clone());
    let mut response = copy.answer(gzipped);
    response.headers_mut().insert(CACHE_HEADER, HeaderValue::from_static("miss"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::display::Theme;

    fn headers(pairs: &[(HeaderName, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.append(name, HeaderValue::from_str(value).unwrap());
        }
        h
    }

    #[test]
    fn only_plain_requests_for_the_pages_without_the_app_are_answered_from_a_copy() {
        let en = headers(&[(header::ACCEPT_LANGUAGE, "en")]);
        let key = key_of(&Method::GET, "/", None, &en).unwrap();
        assert_eq!(key, Key { path: "/", locale: Locale::en, display: Display::default() });
        assert!(key_of(&Method::GET, "/sign-in", None, &en).is_some());
        assert!(key_of(&Method::GET, "/staff", None, &en).is_some());
        // Not a page without the app, not a GET, a query (a refused sign-in comes back in it).
        assert!(key_of(&Method::GET, "/accounts", None, &en).is_none());
        assert!(key_of(&Method::POST, "/sign-in", None, &en).is_none());
        assert!(key_of(&Method::HEAD, "/", None, &en).is_none());
        assert!(key_of(&Method::GET, "/sign-in", Some("error=code"), &en).is_none());
        // No negotiated language: not through the guard.
        assert!(key_of(&Method::GET, "/", None, &HeaderMap::new()).is_none());
    }

    #[test]
    fn the_language_and_display_cookies_choose_the_copy_and_any_other_cookie_renders() {
        let with = |cookie: &str| headers(&[(header::ACCEPT_LANGUAGE, "zh-CN"), (header::COOKIE, cookie)]);
        let key =
            key_of(&Method::GET, "/", None, &with("portal_locale=zh-CN; portal_elder=1; portal_theme=dark")).unwrap();
        assert_eq!(key.locale, Locale::zh_CN);
        assert_eq!(key.display, Display { elder: true, theme: Theme::Dark });
        // Read as the page reads them (a quoted value is the value).
        let quoted = key_of(&Method::GET, "/", None, &with(r#"portal_elder="1"; portal_theme="dark""#)).unwrap();
        assert_eq!(quoted.display, Display { elder: true, theme: Theme::Dark });
        // An unknown theme is the default one, as the page itself reads it.
        assert_eq!(key_of(&Method::GET, "/", None, &with("portal_theme=neon")).unwrap().display, Display::default());
        for personal in [
            "portal_session=x",
            "portal_refresh=x",
            "portal_sign_in=x",
            "portal_login=C000001",
            "portal_assist=1",
            "other=1",
            "junk",
        ] {
            assert!(
                key_of(&Method::GET, "/sign-in", None, &with(&format!("portal_elder=1; {personal}"))).is_none(),
                "{personal}"
            );
        }
        // Cookies in two headers are all looked at.
        let two = headers(&[
            (header::ACCEPT_LANGUAGE, "en"),
            (header::COOKIE, "portal_elder=1"),
            (header::COOKIE, "portal_session=x"),
        ]);
        assert!(key_of(&Method::GET, "/", None, &two).is_none());
    }

    #[test]
    fn a_copy_gets_a_new_nonce_wherever_the_old_one_stood() {
        let policy = content_security_policy("abc_-123");
        assert_eq!(nonce_of(&policy), Some("abc_-123"));
        assert_eq!(nonce_of("default-src 'none'"), None);
        let parts = cut(b"<script nonce=\"abc_-123\">x</script><p>abc_-12</p><s nonce=\"abc_-123\">", "abc_-123");
        assert_eq!(parts.len(), 3);
        assert_eq!(fill(&parts, "NEW"), b"<script nonce=\"NEW\">x</script><p>abc_-12</p><s nonce=\"NEW\">".to_vec());
        assert_eq!(fill(&cut(b"no nonce here", "abc_-123"), "NEW"), b"no nonce here".to_vec());
    }

    fn gunzip(data: &[u8]) -> Vec<u8> {
        use std::io::Read;
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(data).read_to_end(&mut out).expect("a valid gzip file");
        out
    }

    #[test]
    fn the_gzip_copy_unpacks_to_the_page_with_the_new_nonce() {
        let page = format!(
            "NONCE1<html><script nonce=\"NONCE1\">x</script>{}<script nonce=\"NONCE1\"></script>NONCE1NONCE1",
            "<p>repeated text, repeated text</p>".repeat(2000)
        );
        for body in [page.as_bytes(), b"", b"NONCE1", b"no nonce at all"] {
            let pieces = cut(body, "NONCE1");
            let deflated: Vec<Bytes> = pieces.iter().map(|p| deflate_piece(p)).collect();
            for nonce in ["abcdefghijklmnopqrstuv", "N"] {
                assert_eq!(gunzip(&gzip(&pieces, &deflated, nonce)), fill(&pieces, nonce));
            }
        }
        // Compressed: the page's 70 KB to well under a tenth.
        let pieces = cut(page.as_bytes(), "NONCE1");
        let deflated: Vec<Bytes> = pieces.iter().map(|p| deflate_piece(p)).collect();
        assert!(gzip(&pieces, &deflated, "abcdefghijklmnopqrstuv").len() < page.len() / 10);
    }

    #[test]
    fn gzip_is_sent_to_those_who_accept_it() {
        let with = |value: &str| headers(&[(header::ACCEPT_ENCODING, value)]);
        assert!(accepts_gzip(&with("gzip, deflate, br, zstd")));
        assert!(accepts_gzip(&with("br;q=1.0, GZIP;q=0.5")));
        assert!(!accepts_gzip(&with("gzip;q=0")));
        assert!(!accepts_gzip(&with("br, identity")));
        assert!(!accepts_gzip(&HeaderMap::new()));
    }
}
