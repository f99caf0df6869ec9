//! Signing in, as plain async functions over the database: password check with lockout, the
//! one-time code by SMS, and the session it opens. Server functions call these; tests too.
//!
//! Unknown login IDs and wrong passwords get the same answer, after the same work (a dummy
//! hash is verified), and count towards a lock just the same.

use super::rules::{AfterFailure, CodeCheck, CodePolicy, IssuedCode, LockoutPolicy, SendRefused, password_problems};
use super::token::{Claims, sign};
use super::{Challenge, Door, Role, SignInRefusal};
use crate::audit::{Client, audit, principal_parts};
use crate::guard::{Authenticated, record_activity};
use crate::notify::{Channel, Gateway, Message};
use crate::state::{Settings, SigningKey};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::AnyPool;
use std::sync::OnceLock;

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error("sign-in refused: {0:?}")]
    Refused(SignInRefusal),
    /// Unexpected (database, gateway): logged by the caller, shown as a generic error.
    #[error("sign-in failed: {0}")]
    Internal(String),
}

impl From<sqlx::Error> for SignInError {
    fn from(e: sqlx::Error) -> Self {
        SignInError::Internal(e.to_string())
    }
}

/// A session opened by a correct code.
#[derive(Clone, Debug)]
pub struct IssuedSession {
    pub session_id: String,
    pub access_token: String,
    /// Opaque; only its hash is stored.
    pub refresh_token: String,
    pub principal: String,
    pub role: Role,
}

pub struct SignInDeps<'a> {
    pub pool: &'a AnyPool,
    pub settings: &'a Settings,
    pub key: &'a SigningKey,
    pub gateway: &'a Gateway,
}

/// "138****0001".
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() < 7 {
        return "****".into();
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}****{tail}")
}

pub(crate) fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    hex::encode(buf)
}

pub(crate) fn random_code() -> String {
    // Uniform over 000000..=999999 (rejection keeps it unbiased).
    loop {
        let n = rand::rngs::OsRng.next_u32();
        if n < 4_294_000_000 {
            return format!("{:06}", n % 1_000_000);
        }
    }
}

/// A keyed hash of a code, bound to its challenge: a leaked table does not give codes away.
fn code_hash(key: &SigningKey, challenge_id: &str, code: &str) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key.expose()).expect("HMAC takes keys of any length");
    mac.update(challenge_id.as_bytes());
    mac.update(b":");
    mac.update(code.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

pub(crate) fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// The hash verified when the login ID is unknown, so both paths cost the same.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        use argon2::password_hash::{PasswordHasher, SaltString};
        let salt = SaltString::encode_b64(b"dummy-salt-16byt").expect("a valid salt");
        argon2::Argon2::default()
            .hash_password(random_hex(16).as_bytes(), &salt)
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

/// Argon2id verification, off the async runtime (it is deliberately slow).
async fn password_matches(hash: String, password: String) -> Result<bool, SignInError> {
    tokio::task::spawn_blocking(move || {
        use argon2::password_hash::{PasswordHash, PasswordVerifier};
        PasswordHash::new(&hash)
            .is_ok_and(|parsed| argon2::Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
    })
    .await
    .map_err(|e| SignInError::Internal(format!("password check did not finish: {e}")))
}

/// Someone who may sign in, as the sign-in and password steps need them.
struct Person {
    /// "customer:<id>" or "staff:<id>".
    principal: String,
    mobile: String,
    password_hash: String,
    locale: String,
    /// Other names a password must not contain (customer or staff number, mobile).
    identifiers: Vec<String>,
    /// Why this person may not sign in now, even with the right password.
    barred: Option<SignInRefusal>,
}

#[derive(sqlx::FromRow)]
struct CustomerRow {
    id: i64,
    customer_no: String,
    mobile: String,
    password_hash: String,
    preferred_locale: String,
    status: String,
    ebanking_suspended: i64,
    usable_accounts: i64,
}

#[derive(sqlx::FromRow)]
struct StaffRow {
    id: i64,
    staff_no: String,
    mobile: String,
    password_hash: String,
    status: String,
}

const CUSTOMER_COLUMNS: &str = "SELECT c.id, c.customer_no, c.mobile, c.password_hash, c.preferred_locale, c.status, c.ebanking_suspended, \
     (SELECT COUNT(*) FROM accounts a WHERE a.customer_id = c.id AND a.status NOT IN ('frozen', 'closed')) AS usable_accounts \
     FROM customers c";
const STAFF_COLUMNS: &str = "SELECT id, staff_no, mobile, password_hash, status FROM staff_users";

impl From<CustomerRow> for Person {
    fn from(c: CustomerRow) -> Person {
        let barred = c.ebanking_suspended != 0 || c.status != "active" || c.usable_accounts == 0;
        Person {
            principal: format!("customer:{}", c.id),
            identifiers: vec![c.customer_no, c.mobile.clone()],
            mobile: c.mobile,
            password_hash: c.password_hash,
            locale: c.preferred_locale,
            barred: barred.then_some(SignInRefusal::ServiceSuspended),
        }
    }
}

impl From<StaffRow> for Person {
    fn from(s: StaffRow) -> Person {
        Person {
            principal: format!("staff:{}", s.id),
            identifiers: vec![s.staff_no, s.mobile.clone()],
            mobile: s.mobile,
            password_hash: s.password_hash,
            locale: "zh-CN".into(),
            barred: (s.status != "active").then_some(SignInRefusal::AccountDisabled),
        }
    }
}

/// The person a login ID names at this door: customers by customer number or mobile, staff by
/// staff number. A staff number at the customer door names nobody, and the other way round.
async fn find_person(pool: &AnyPool, door: Door, login_id: &str) -> Result<Option<Person>, sqlx::Error> {
    Ok(match door {
        Door::Customer => {
            sqlx::query_as::<_, CustomerRow>(&format!("{CUSTOMER_COLUMNS} WHERE c.customer_no = $1 OR c.mobile = $1"))
                .bind(login_id)
                .fetch_optional(pool)
                .await?
                .map(Person::from)
        }
        Door::Staff => sqlx::query_as::<_, StaffRow>(&format!("{STAFF_COLUMNS} WHERE staff_no = $1"))
            .bind(login_id)
            .fetch_optional(pool)
            .await?
            .map(Person::from),
    })
}

/// The table a principal's person lives in, and their id there.
fn table_of(principal: &str) -> Option<(&'static str, i64)> {
    principal_parts(principal).map(|(kind, id)| (if kind == "staff" { "staff_users" } else { "customers" }, id))
}

/// The person behind a principal ("customer:1", "staff:3").
async fn person_of(pool: &AnyPool, principal: &str) -> Result<Option<Person>, sqlx::Error> {
    let Some((kind, id)) = principal_parts(principal) else { return Ok(None) };
    Ok(match kind {
        "customer" => sqlx::query_as::<_, CustomerRow>(&format!("{CUSTOMER_COLUMNS} WHERE c.id = $1"))
            .bind(id)
            .fetch_optional(pool)
            .await?
            .map(Person::from),
        "staff" => sqlx::query_as::<_, StaffRow>(&format!("{STAFF_COLUMNS} WHERE id = $1"))
            .bind(id)
            .fetch_optional(pool)
            .await?
            .map(Person::from),
        _ => None,
    })
}

async fn throttle_state(pool: &AnyPool, key: &str) -> Result<(u32, Option<i64>), sqlx::Error> {
    let row: Option<(i64, Option<i64>)> =
        sqlx::query_as("SELECT failures, locked_until FROM sign_in_throttle WHERE throttle_key = $1")
            .bind(key)
            .fetch_optional(pool)
            .await?;
    Ok(row.map_or((0, None), |(f, l)| (u32::try_from(f).unwrap_or(u32::MAX), l)))
}

async fn set_throttle(
    pool: &AnyPool,
    key: &str,
    failures: u32,
    locked_until: Option<i64>,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO sign_in_throttle (throttle_key, failures, locked_until, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (throttle_key) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until, updated_at = excluded.updated_at",
    )
    .bind(key)
    .bind(i64::from(failures))
    .bind(locked_until)
    .bind(now)
    .execute(pool)
    .await
    .map(|_| ())
}

/// Checks a password against the person (or the dummy hash when there is nobody), counting
/// wrong ones towards the lock under `throttle_key`. A right one resets the count.
async fn check_password(
    deps: &SignInDeps<'_>,
    person: Option<&Person>,
    throttle_key: &str,
    password: &str,
    client: &Client,
    now: i64,
) -> Result<(), SignInError> {
    let lockout = LockoutPolicy::default();
    let principal = person.map(|p| p.principal.as_str());
    let (failures, locked_until) = throttle_state(deps.pool, throttle_key).await?;
    if let Some(until) = lockout.lock_in_force(locked_until, now) {
        audit(deps.pool, "sign_in_refused_locked", principal, None, client, now, "{}").await?;
        return Err(SignInError::Refused(SignInRefusal::Locked { until }));
    }
    // A lock that has run out starts the count afresh.
    let failures = if locked_until.is_some() { 0 } else { failures };

    let hash = person.map_or_else(|| dummy_hash().to_owned(), |p| p.password_hash.clone());
    if password_matches(hash, password.to_owned()).await? && person.is_some() {
        set_throttle(deps.pool, throttle_key, 0, None, now).await?;
        return Ok(());
    }
    let failures = failures + 1;
    let refusal = match lockout.after_failure(failures, now) {
        AfterFailure::AttemptsLeft(left) => {
            set_throttle(deps.pool, throttle_key, failures, None, now).await?;
            SignInRefusal::WrongCredentials { attempts_left: left }
        }
        AfterFailure::LockedUntil(until) => {
            set_throttle(deps.pool, throttle_key, failures, Some(until), now).await?;
            audit(deps.pool, "sign_in_locked", principal, None, client, now, "{}").await?;
            SignInRefusal::Locked { until }
        }
    };
    audit(deps.pool, "sign_in_failed", principal, None, client, now, "{}").await?;
    Err(SignInError::Refused(refusal))
}

/// What a one-time code is for; a code only works for its own purpose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    SignIn,
    PasswordChange,
    PasswordReset,
    /// Showing an account's full number.
    RevealNumber,
    /// Signing a risk questionnaire's result.
    SignAssessment,
    /// Confirming a wealth-product subscription.
    Subscribe,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::SignIn => "sign_in",
            Purpose::PasswordChange => "password_change",
            Purpose::PasswordReset => "password_reset",
            Purpose::RevealNumber => "reveal_number",
            Purpose::SignAssessment => "sign_assessment",
            Purpose::Subscribe => "subscribe",
        }
    }

    fn sms(self, code: &str, minutes: u32, english: bool) -> String {
        let (what_en, what_zh) = match self {
            Purpose::SignIn => ("sign-in", "登录"),
            Purpose::PasswordChange => ("password change", "修改密码"),
            Purpose::PasswordReset => ("password reset", "重置密码"),
            Purpose::RevealNumber => ("full account number", "查看完整账号"),
            Purpose::SignAssessment => ("risk assessment signature", "风险测评结果确认"),
            Purpose::Subscribe => ("wealth product subscription", "理财产品购买确认"),
        };
        if english {
            format!(
                "[Anxin Bank] Your {what_en} code is {code}, valid for {minutes} minutes. Never tell it to anyone, including our staff."
            )
        } else {
            format!("【安心银行】您的{what_zh}验证码为 {code}，{minutes}分钟内有效。请勿告诉任何人，包括本行工作人员。")
        }
    }
}

/// Sends a fresh code for `purpose` to the person's registered phone (at most once a minute and
/// five times an hour) and returns the challenge to answer with it.
async fn send_code(
    deps: &SignInDeps<'_>,
    person: &Person,
    purpose: Purpose,
    client: &Client,
    now: i64,
) -> Result<Challenge, SignInError> {
    let sent: Vec<i64> =
        sqlx::query_scalar("SELECT sent_at FROM one_time_codes WHERE principal = $1 AND purpose = $2 AND sent_at > $3")
            .bind(&person.principal)
            .bind(purpose.as_str())
            .bind(now - 3600)
            .fetch_all(deps.pool)
            .await?;
    if let Err(SendRefused::TooSoon { retry_after_secs } | SendRefused::HourlyLimit { retry_after_secs }) =
        CodePolicy::default().may_send(&sent, now)
    {
        return Err(SignInError::Refused(SignInRefusal::TooManyCodes { retry_after_secs }));
    }

    let challenge_id = random_hex(16);
    let code = random_code();
    sqlx::query("INSERT INTO one_time_codes (id, principal, purpose, code_hash, sent_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(&challenge_id)
        .bind(&person.principal)
        .bind(purpose.as_str())
        .bind(code_hash(deps.key, &challenge_id, &code))
        .bind(now)
        .execute(deps.pool)
        .await?;
    let body = purpose.sms(&code, deps.settings.one_time_code_minutes, person.locale == "en");
    let kind = format!("{}_code", purpose.as_str());
    let message = Message { channel: Channel::Sms, to: person.mobile.clone(), kind, body, sent_at: now };
    deps.gateway.send(&message).map_err(|e| SignInError::Internal(e.to_string()))?;
    let detail = format!(r#"{{"purpose":"{}"}}"#, purpose.as_str());
    audit(deps.pool, "code_sent", Some(&person.principal), None, client, now, &detail).await?;
    Ok(Challenge { id: challenge_id, masked_phone: mask_phone(&person.mobile) })
}

/// The one-time code rules, with how long a code stays valid as configured.
pub fn code_policy(settings: &Settings) -> CodePolicy {
    CodePolicy { valid_secs: i64::from(settings.one_time_code_minutes) * 60, ..CodePolicy::default() }
}

/// Spends the challenge's code if `code` is right, still valid and for `purpose`; returns whose
/// it was. Wrong entries are counted; a code works once, even against a concurrent second entry.
async fn redeem_code(
    deps: &SignInDeps<'_>,
    challenge_id: &str,
    purpose: Purpose,
    code: &str,
    client: &Client,
    now: i64,
) -> Result<String, SignInError> {
    let row: Option<(String, String, i64, i64, Option<i64>)> = sqlx::query_as(
        "SELECT principal, code_hash, sent_at, wrong_entries, used_at FROM one_time_codes WHERE id = $1 AND purpose = $2",
    )
    .bind(challenge_id)
    .bind(purpose.as_str())
    .fetch_optional(deps.pool)
    .await?;
    let Some((principal, stored_hash, sent_at, wrong_entries, used_at)) = row else {
        return Err(SignInError::Refused(SignInRefusal::CodeExpired));
    };
    let policy = code_policy(deps.settings);
    let issued = IssuedCode::stored(sent_at, wrong_entries, used_at);
    // Compare keyed hashes: the stored value is the expectation, the entry is hashed the same way.
    let entered = code_hash(deps.key, challenge_id, code.trim());
    let refusal = match policy.check(issued, &stored_hash, &entered, now) {
        CodeCheck::Accepted => None,
        CodeCheck::Wrong { entries_left } => Some(SignInRefusal::WrongCode { entries_left }),
        CodeCheck::Void => Some(SignInRefusal::CodeExpired),
    };
    if let Some(refusal) = refusal {
        sqlx::query("UPDATE one_time_codes SET wrong_entries = wrong_entries + 1 WHERE id = $1")
            .bind(challenge_id)
            .execute(deps.pool)
            .await?;
        audit(deps.pool, "code_failed", Some(&principal), None, client, now, "{}").await?;
        return Err(SignInError::Refused(refusal));
    }
    let claimed = sqlx::query("UPDATE one_time_codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL")
        .bind(now)
        .bind(challenge_id)
        .execute(deps.pool)
        .await?;
    if claimed.rows_affected() != 1 {
        return Err(SignInError::Refused(SignInRefusal::CodeExpired));
    }
    Ok(principal)
}

/// Step one: login ID and password at the customers' or the staff door. On success a code is
/// sent by SMS and a challenge returned.
pub async fn start_sign_in(
    deps: &SignInDeps<'_>,
    door: Door,
    login_id: &str,
    password: &str,
    client: &Client,
    now: i64,
) -> Result<Challenge, SignInError> {
    let login_id = normalize_login_id(login_id);
    let person = find_person(deps.pool, door, &login_id).await?;
    let throttle_key = person.as_ref().map_or_else(
        || format!("unknown:{}:{login_id}", if door == Door::Staff { "staff" } else { "customer" }),
        |p| p.principal.clone(),
    );
    check_password(deps, person.as_ref(), &throttle_key, password, client, now).await?;
    let person = person.ok_or_else(|| SignInError::Internal("a password matched nobody".into()))?;
    if let Some(refusal) = person.barred.clone() {
        audit(deps.pool, "sign_in_refused_suspended", Some(&person.principal), None, client, now, "{}").await?;
        return Err(SignInError::Refused(refusal));
    }
    send_code(deps, &person, Purpose::SignIn, client, now).await
}

/// "c000001 " → "C000001"; mobile numbers are kept as typed, without spaces.
pub fn normalize_login_id(login_id: &str) -> String {
    let compact: String = login_id.chars().filter(|c| !c.is_whitespace()).collect();
    compact.to_uppercase()
}

/// The role a principal signs in with: customers are customers; staff have the role on file.
async fn role_of(pool: &AnyPool, principal: &str) -> Result<Role, SignInError> {
    let id = match principal_parts(principal) {
        Some(("customer", _)) => return Ok(Role::Customer),
        Some((_, id)) => id,
        None => return Err(SignInError::Internal(format!("no such principal {principal:?}"))),
    };
    let role: Option<String> = sqlx::query_scalar("SELECT role FROM staff_users WHERE id = $1 AND status = 'active'")
        .bind(id)
        .fetch_optional(pool)
        .await?;
    role.as_deref().and_then(Role::parse).ok_or(SignInError::Refused(SignInRefusal::AccountDisabled))
}

/// The sign-in challenge this browser is answering (its id from the browser's cookie), if its code
/// can still be entered: where the code went. A used, expired or exhausted one is gone.
pub async fn open_sign_in_challenge(
    pool: &AnyPool,
    settings: &Settings,
    challenge_id: &str,
    now: i64,
) -> Result<Option<Challenge>, sqlx::Error> {
    let row: Option<(String, i64, i64, Option<i64>)> = sqlx::query_as(
        "SELECT principal, sent_at, wrong_entries, used_at FROM one_time_codes WHERE id = $1 AND purpose = $2",
    )
    .bind(challenge_id)
    .bind(Purpose::SignIn.as_str())
    .fetch_optional(pool)
    .await?;
    let Some((principal, sent_at, wrong_entries, used_at)) = row else { return Ok(None) };
    let policy = code_policy(settings);
    let issued = IssuedCode::stored(sent_at, wrong_entries, used_at);
    if !policy.is_open(issued, now) {
        return Ok(None);
    }
    Ok(person_of(pool, &principal)
        .await?
        .map(|person| Challenge { id: challenge_id.to_owned(), masked_phone: mask_phone(&person.mobile) }))
}

/// Step two: the code. A correct one opens a session and issues its tokens.
pub async fn finish_sign_in(
    deps: &SignInDeps<'_>,
    challenge_id: &str,
    code: &str,
    client: &Client,
    now: i64,
) -> Result<IssuedSession, SignInError> {
    let principal = redeem_code(deps, challenge_id, Purpose::SignIn, code, client, now).await?;
    let role = role_of(deps.pool, &principal).await?;
    let session_id = random_hex(16);
    let refresh_token = random_hex(32);
    let expires_at = now + i64::from(deps.settings.absolute_session_hours) * 3600;
    let mut tx = deps.pool.begin().await?;
    sqlx::query(
        "INSERT INTO sessions (id, principal, role, created_at, last_seen_at, expires_at, client_addr, user_agent) VALUES ($1, $2, $3, $4, $4, $5, $6, $7)",
    )
    .bind(&session_id)
    .bind(&principal)
    .bind(role.as_str())
    .bind(now)
    .bind(expires_at)
    .bind(client.addr.as_deref())
    .bind(client.user_agent.as_deref())
    .execute(&mut *tx)
    .await?;
    sqlx::query("INSERT INTO refresh_tokens (token_hash, session_id, issued_at) VALUES ($1, $2, $3)")
        .bind(sha256_hex(&refresh_token))
        .bind(&session_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;

    let lifetime = i64::from(deps.settings.access_token_minutes) * 60;
    let claims = Claims::new(principal.clone(), role, session_id.clone(), random_hex(16), now, lifetime);
    let access_token = sign(&claims, deps.key).map_err(|e| SignInError::Internal(e.to_string()))?;
    audit(deps.pool, "sign_in_succeeded", Some(&principal), Some(&session_id), client, now, "{}").await?;
    Ok(IssuedSession { session_id, access_token, refresh_token, principal, role })
}

/// Argon2id with a fresh random salt, off the async runtime.
async fn hash_new_password(password: String) -> Result<String, SignInError> {
    tokio::task::spawn_blocking(move || {
        use argon2::password_hash::{PasswordHasher, SaltString};
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        argon2::Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string())
    })
    .await
    .map_err(|e| SignInError::Internal(format!("password hashing did not finish: {e}")))?
    .map_err(|e| SignInError::Internal(format!("password hashing failed: {e}")))
}

fn refuse_weak(password: &str, person: Option<&Person>) -> Result<(), SignInError> {
    let identifiers: Vec<&str> = person.map(|p| p.identifiers.iter().map(String::as_str).collect()).unwrap_or_default();
    let rules = password_problems(password, &identifiers);
    if rules.is_empty() { Ok(()) } else { Err(SignInError::Refused(SignInRefusal::WeakPassword { rules })) }
}

/// Stores the new password, ends the person's sessions but `keep_session`, unlocks sign-in,
/// records why, and tells the person by SMS (so a change they did not make does not go unseen).
async fn replace_password(
    deps: &SignInDeps<'_>,
    person: &Person,
    new_password: &str,
    keep_session: Option<&str>,
    event: &str,
    client: &Client,
    now: i64,
) -> Result<(), SignInError> {
    let hash = hash_new_password(new_password.to_owned()).await?;
    let Some((table, id)) = table_of(&person.principal) else {
        return Err(SignInError::Internal(format!("no such principal {:?}", person.principal)));
    };
    let mut tx = deps.pool.begin().await?;
    sqlx::query(&format!("UPDATE {table} SET password_hash = $1 WHERE id = $2"))
        .bind(&hash)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "UPDATE sessions SET revoked_at = $1, revoked_reason = 'password_changed' \
         WHERE principal = $2 AND revoked_at IS NULL AND id <> $3",
    )
    .bind(now)
    .bind(&person.principal)
    .bind(keep_session.unwrap_or(""))
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM sign_in_throttle WHERE throttle_key = $1")
        .bind(&person.principal)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    audit(deps.pool, event, Some(&person.principal), keep_session, client, now, "{}").await?;
    let body = if person.locale == "en" {
        "[Anxin Bank] Your online banking password was changed just now. If this was not you, call 95500 at once."
    } else {
        "【安心银行】您的网上银行登录密码刚刚已修改。如非本人操作，请立即致电95500。"
    };
    let message = Message {
        channel: Channel::Sms,
        to: person.mobile.clone(),
        kind: "password_changed".into(),
        body: body.into(),
        sent_at: now,
    };
    deps.gateway.send(&message).map_err(|e| SignInError::Internal(e.to_string()))
}

/// A fresh code for a sensitive step of a signed-in person (`purpose`), sent to their phone.
pub async fn start_confirmation(
    deps: &SignInDeps<'_>,
    who: &Authenticated,
    purpose: Purpose,
    client: &Client,
    now: i64,
) -> Result<Challenge, SignInError> {
    let person = person_of(deps.pool, &who.principal)
        .await?
        .ok_or_else(|| SignInError::Internal("the signed-in person is gone".into()))?;
    send_code(deps, &person, purpose, client, now).await
}

/// Spends the code of a challenge from [`start_confirmation`]: it must be right, fresh, for
/// `purpose` and sent to this very person.
pub async fn confirm(
    deps: &SignInDeps<'_>,
    who: &Authenticated,
    challenge_id: &str,
    purpose: Purpose,
    code: &str,
    client: &Client,
    now: i64,
) -> Result<(), SignInError> {
    if redeem_code(deps, challenge_id, purpose, code, client, now).await? == who.principal {
        Ok(())
    } else {
        Err(SignInError::Refused(SignInRefusal::CodeExpired))
    }
}

/// Changing the password, step one: the current password (wrong ones count towards the sign-in
/// lock), then a code goes to the registered phone.
pub async fn start_password_change(
    deps: &SignInDeps<'_>,
    who: &Authenticated,
    current_password: &str,
    client: &Client,
    now: i64,
) -> Result<Challenge, SignInError> {
    let person = person_of(deps.pool, &who.principal).await?;
    check_password(deps, person.as_ref(), &who.principal, current_password, client, now).await?;
    let person = person.ok_or_else(|| SignInError::Internal("a password matched nobody".into()))?;
    send_code(deps, &person, Purpose::PasswordChange, client, now).await
}

/// Step two: the code and the new password. Other devices are signed out; this one stays.
pub async fn finish_password_change(
    deps: &SignInDeps<'_>,
    who: &Authenticated,
    challenge_id: &str,
    code: &str,
    new_password: &str,
    client: &Client,
    now: i64,
) -> Result<(), SignInError> {
    let person = person_of(deps.pool, &who.principal)
        .await?
        .ok_or_else(|| SignInError::Internal("the signed-in person is gone".into()))?;
    refuse_weak(new_password, Some(&person))?;
    confirm(deps, who, challenge_id, Purpose::PasswordChange, code, client, now).await?;
    replace_password(deps, &person, new_password, Some(&who.session_id), "password_changed", client, now).await
}

/// Forgotten password, step one: the login ID and the registered mobile number. When they
/// belong together a code goes to that phone; when they do not, the answer looks the same (and
/// the challenge leads nowhere), so the form does not tell who banks here.
pub async fn start_password_reset(
    deps: &SignInDeps<'_>,
    login_id: &str,
    mobile: &str,
    client: &Client,
    now: i64,
) -> Result<Challenge, SignInError> {
    let mobile = normalize_login_id(mobile);
    let person = find_person(deps.pool, Door::Customer, &normalize_login_id(login_id)).await?;
    match person.filter(|p| p.mobile == mobile) {
        Some(person) => send_code(deps, &person, Purpose::PasswordReset, client, now).await,
        None => {
            audit(deps.pool, "password_reset_unmatched", None, None, client, now, "{}").await?;
            Ok(Challenge { id: random_hex(16), masked_phone: mask_phone(&mobile) })
        }
    }
}

/// Step two: the code and the new password. Every session of the person ends and a lock from
/// wrong passwords is lifted; they then sign in with the new password.
pub async fn finish_password_reset(
    deps: &SignInDeps<'_>,
    challenge_id: &str,
    code: &str,
    new_password: &str,
    client: &Client,
    now: i64,
) -> Result<(), SignInError> {
    let principal: Option<String> =
        sqlx::query_scalar("SELECT principal FROM one_time_codes WHERE id = $1 AND purpose = 'password_reset'")
            .bind(challenge_id)
            .fetch_optional(deps.pool)
            .await?;
    let person = match principal {
        Some(principal) => person_of(deps.pool, &principal).await?,
        None => None,
    };
    refuse_weak(new_password, person.as_ref())?;
    let principal = redeem_code(deps, challenge_id, Purpose::PasswordReset, code, client, now).await?;
    let person = person.filter(|p| p.principal == principal).ok_or(SignInError::Refused(SignInRefusal::CodeExpired))?;
    replace_password(deps, &person, new_password, None, "password_reset", client, now).await
}

/// What a refresh produced: normally a new pair of tokens (the old refresh token is spent);
/// a second use within the grace period (two requests racing) only gets a new access token.
#[derive(Clone, Debug)]
pub struct Refreshed {
    pub who: Authenticated,
    pub access_token: String,
    /// `None` when the refresh token was just rotated by a concurrent request.
    pub refresh_token: Option<String>,
}

/// A refresh token with its session, as `refresh` reads them.
#[derive(sqlx::FromRow)]
struct RefreshRow {
    session_id: String,
    used_at: Option<i64>,
    principal: String,
    role: String,
    expires_at: i64,
    last_seen_at: i64,
    revoked_at: Option<i64>,
}

/// Seconds during which an already-rotated refresh token still gets an access token: parallel
/// requests of one page carry the same cookie.
const REFRESH_GRACE_SECS: i64 = 30;

/// Trades a refresh token for fresh tokens. The session must be live: not revoked, not past its
/// absolute end, and not idle longer than the idle timeout. A spent token used again after the
/// grace period is treated as stolen: the whole session is revoked and the event recorded.
pub async fn refresh(
    deps: &SignInDeps<'_>,
    refresh_token: &str,
    client: &Client,
    now: i64,
) -> Result<Option<Refreshed>, SignInError> {
    let hash = sha256_hex(refresh_token);
    let row: Option<RefreshRow> = sqlx::query_as(
        "SELECT r.session_id, r.used_at, s.principal, s.role, s.expires_at, s.last_seen_at, s.revoked_at \
         FROM refresh_tokens r JOIN sessions s ON s.id = r.session_id WHERE r.token_hash = $1",
    )
    .bind(&hash)
    .fetch_optional(deps.pool)
    .await?;
    let Some(RefreshRow { session_id, used_at, principal, role, expires_at, last_seen_at, revoked_at }) = row else {
        return Ok(None);
    };
    let idle_secs = i64::from(deps.settings.idle_timeout_minutes) * 60;
    if revoked_at.is_some() || expires_at <= now || super::rules::is_idle(last_seen_at, idle_secs, now) {
        return Ok(None);
    }
    let Some(role) = Role::parse(&role) else {
        return Err(SignInError::Internal(format!("unknown role {role:?} in sessions")));
    };
    let who = Authenticated {
        principal: principal.clone(),
        role,
        session_id: session_id.clone(),
        last_seen_at: now,
        actor: None,
        assist_ended: None,
    };
    let lifetime = i64::from(deps.settings.access_token_minutes) * 60;
    let access =
        || sign(&Claims::new(principal.clone(), role, session_id.clone(), random_hex(16), now, lifetime), deps.key);

    let spent_at = match used_at {
        Some(at) => Some(at),
        None => {
            // Claim the token; losing the race means another request spent it just now.
            let claimed =
                sqlx::query("UPDATE refresh_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL")
                    .bind(now)
                    .bind(&hash)
                    .execute(deps.pool)
                    .await?;
            (claimed.rows_affected() != 1).then_some(now)
        }
    };
    if let Some(at) = spent_at {
        if now - at <= REFRESH_GRACE_SECS {
            let access_token = access().map_err(|e| SignInError::Internal(e.to_string()))?;
            // The request that spent it recorded the activity then.
            let who = Authenticated { last_seen_at: last_seen_at.max(at), ..who };
            return Ok(Some(Refreshed { who, access_token, refresh_token: None }));
        }
        sqlx::query("UPDATE sessions SET revoked_at = $1, revoked_reason = 'refresh_token_reuse' WHERE id = $2 AND revoked_at IS NULL")
            .bind(now)
            .bind(&session_id)
            .execute(deps.pool)
            .await?;
        audit(deps.pool, "refresh_token_reused", Some(&principal), Some(&session_id), client, now, "{}").await?;
        return Ok(None);
    }

    let new_refresh = random_hex(32);
    sqlx::query("INSERT INTO refresh_tokens (token_hash, session_id, issued_at) VALUES ($1, $2, $3)")
        .bind(sha256_hex(&new_refresh))
        .bind(&session_id)
        .bind(now)
        .execute(deps.pool)
        .await?;
    record_activity(deps.pool, &session_id, now).await?;
    let access_token = access().map_err(|e| SignInError::Internal(e.to_string()))?;
    Ok(Some(Refreshed { who, access_token, refresh_token: Some(new_refresh) }))
}

/// Ends the session server-side: its tokens stop working at once, wherever they are.
pub async fn sign_out(pool: &AnyPool, who: &Authenticated, client: &Client, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE sessions SET revoked_at = $1, revoked_reason = 'sign_out' WHERE id = $2 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(&who.session_id)
    .execute(pool)
    .await?;
    audit(pool, "sign_out", Some(&who.principal), Some(&who.session_id), client, now, "{}").await
}

/// The principal's sessions that are still live, newest first, marking the caller's own.
pub async fn live_sessions(
    pool: &AnyPool,
    who: &Authenticated,
    now: i64,
) -> Result<Vec<crate::settings::SessionInfo>, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct SessionRow {
        id: String,
        created_at: i64,
        last_seen_at: i64,
        client_addr: Option<String>,
        user_agent: Option<String>,
    }
    let rows: Vec<SessionRow> = sqlx::query_as(
        "SELECT id, created_at, last_seen_at, client_addr, user_agent FROM sessions \
         WHERE principal = $1 AND acting_staff_id IS NULL AND revoked_at IS NULL AND expires_at > $2 \
         ORDER BY created_at DESC",
    )
    .bind(&who.principal)
    .bind(now)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| crate::settings::SessionInfo {
            current: r.id == who.session_id,
            id: r.id,
            created_at: r.created_at,
            last_seen_at: r.last_seen_at,
            client_addr: r.client_addr,
            user_agent: r.user_agent,
        })
        .collect())
}

/// Ends one of the principal's own sessions. False when there is no such live session of theirs
/// (someone else's id answers exactly like a made-up one).
pub async fn end_session(
    pool: &AnyPool,
    who: &Authenticated,
    session_id: &str,
    client: &Client,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let ended = sqlx::query(
        "UPDATE sessions SET revoked_at = $1, revoked_reason = 'ended_by_customer' \
         WHERE id = $2 AND principal = $3 AND acting_staff_id IS NULL AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(session_id)
    .bind(&who.principal)
    .execute(pool)
    .await?;
    if ended.rows_affected() == 0 {
        return Ok(false);
    }
    audit(pool, "session_ended", Some(&who.principal), Some(&who.session_id), client, now, "{}").await?;
    Ok(true)
}

/// "Sign out everywhere else": ends every live session of the principal but the caller's.
pub async fn end_other_sessions(
    pool: &AnyPool,
    who: &Authenticated,
    client: &Client,
    now: i64,
) -> Result<u64, sqlx::Error> {
    let ended = sqlx::query(
        "UPDATE sessions SET revoked_at = $1, revoked_reason = 'ended_by_customer' \
         WHERE principal = $2 AND id <> $3 AND acting_staff_id IS NULL AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(&who.principal)
    .bind(&who.session_id)
    .execute(pool)
    .await?;
    audit(pool, "other_sessions_ended", Some(&who.principal), Some(&who.session_id), client, now, "{}").await?;
    Ok(ended.rows_affected())
}

/// The customer's recent security events, newest first.
pub async fn security_activity(
    pool: &AnyPool,
    customer_id: i64,
    limit: i64,
) -> Result<Vec<crate::settings::ActivityItem>, sqlx::Error> {
    let rows: Vec<(String, i64, Option<String>)> = sqlx::query_as(
        "SELECT kind, occurred_at, client_addr FROM audit_events WHERE subject_customer_id = $1 \
         AND kind <> 'assisted_request' ORDER BY occurred_at DESC, id DESC LIMIT $2",
    )
    .bind(customer_id)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(kind, at, client_addr)| crate::settings::ActivityItem { kind, at, client_addr })
        .collect())
}

/// What a customer's own pages show around their content, read in one query: the name, the
/// elder-mode choice and birth date (for the offer), the unread messages and the notice of a
/// delegation open in their name.
#[derive(Debug, sqlx::FromRow)]
pub struct CustomerHeader {
    pub name: String,
    /// The customer's choice of elder mode (1 on, 0 off), none if they never chose.
    pub elder_mode: Option<i64>,
    pub birth_date: String,
    pub unread: i64,
    #[sqlx(flatten)]
    pub notice: crate::delegation::service::OpenNotice,
}

pub async fn customer_for_header(pool: &AnyPool, customer_id: i64) -> Result<Option<CustomerHeader>, sqlx::Error> {
    use crate::delegation::service::{NOTICE_COLUMNS, NOTICE_JOIN};
    use crate::messages::service::UNREAD_OF;
    sqlx::query_as(&format!(
        "SELECT c.name, c.elder_mode, c.birth_date, (SELECT COUNT(*) {UNREAD_OF} = c.id) AS unread, \
         {NOTICE_COLUMNS} FROM customers c {NOTICE_JOIN} WHERE c.id = $1"
    ))
    .bind(customer_id)
    .fetch_optional(pool)
    .await
}

/// The name shown in the header for a signed-in customer or member of staff.
pub async fn display_name(pool: &AnyPool, principal: &str) -> Result<Option<String>, sqlx::Error> {
    let Some((table, id)) = table_of(principal) else { return Ok(None) };
    sqlx::query_scalar(&format!("SELECT name FROM {table} WHERE id = $1")).bind(id).fetch_optional(pool).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_show_only_their_ends() {
        assert_eq!(mask_phone("13800000001"), "138****0001");
        assert_eq!(mask_phone("123"), "****");
    }

    #[test]
    fn login_ids_ignore_case_and_spaces() {
        assert_eq!(normalize_login_id(" c000001 "), "C000001");
        assert_eq!(normalize_login_id("138 0000 0001"), "13800000001");
    }

    #[test]
    fn codes_are_six_digits() {
        for _ in 0..200 {
            let code = random_code();
            assert_eq!(code.len(), 6);
            assert!(code.chars().all(|c| c.is_ascii_digit()));
        }
    }

    #[test]
    fn code_hashes_depend_on_key_challenge_and_code() {
        let k1 = SigningKey::new(vec![1; 32]).unwrap();
        let k2 = SigningKey::new(vec![2; 32]).unwrap();
        let h = code_hash(&k1, "c1", "123456");
        assert_ne!(h, code_hash(&k2, "c1", "123456"));
        assert_ne!(h, code_hash(&k1, "c2", "123456"));
        assert_ne!(h, code_hash(&k1, "c1", "123457"));
        assert_eq!(h, code_hash(&k1, "c1", "123456"));
    }
}
