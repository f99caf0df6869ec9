//! Session tokens: short-lived HS256 JWTs naming who is asking (`sub`, `role`), in which session
//! (`sid`), and, for a delegated staff session, who is acting (`act`, RFC 8693).
//!
//! Validation pins the algorithm and checks signature, `exp`, `nbf`, `iss`, `aud` and that
//! every claim is present; anything else is refused without saying why to the caller.

use super::Role;
use crate::state::SigningKey;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};

pub const ISSUER: &str = "anxin-portal";
pub const AUDIENCE: &str = "anxin-portal-web";

/// The member of staff acting in a customer's session (RFC 8693 `act`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub sub: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// "customer:<id>" or "staff:<id>".
    pub sub: String,
    pub role: Role,
    /// The server-side session this token belongs to (revocable).
    pub sid: String,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
    pub iss: String,
    pub aud: String,
    /// Unique per token.
    pub jti: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub act: Option<Actor>,
}

impl Claims {
    /// Claims for a token issued at `now` (unix seconds) and valid for `lifetime_secs`.
    pub fn new(sub: String, role: Role, sid: String, jti: String, now: i64, lifetime_secs: i64) -> Self {
        Claims {
            sub,
            role,
            sid,
            iat: now,
            nbf: now,
            exp: now + lifetime_secs,
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            jti,
            act: None,
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TokenError {
    #[error("the token could not be signed")]
    Sign,
    /// Deliberately uninformative: the caller learns only that the token is not accepted.
    #[error("the token is not valid")]
    Invalid,
}

pub fn sign(claims: &Claims, key: &SigningKey) -> Result<String, TokenError> {
    encode(&Header::new(Algorithm::HS256), claims, &EncodingKey::from_secret(key.expose()))
        .map_err(|_| TokenError::Sign)
}

fn validation() -> Validation {
    let mut v = Validation::new(Algorithm::HS256);
    v.algorithms = vec![Algorithm::HS256];
    v.set_issuer(&[ISSUER]);
    v.set_audience(&[AUDIENCE]);
    v.set_required_spec_claims(&["exp", "nbf", "iat", "iss", "aud", "sub", "jti"]);
    // Checked in `verify` against the portal's clock, not the library's reading of the system's.
    v.validate_exp = false;
    v.validate_nbf = false;
    v
}

/// Clocks of several server instances may differ slightly.
const LEEWAY_SECS: i64 = 5;

/// The token's claims if it is signed with `key` and valid at `now` (unix seconds).
pub fn verify(token: &str, key: &SigningKey, now: i64) -> Result<Claims, TokenError> {
    let claims = decode::<Claims>(token, &DecodingKey::from_secret(key.expose()), &validation())
        .map(|data| data.claims)
        .map_err(|_| TokenError::Invalid)?;
    if claims.exp < now - LEEWAY_SECS || claims.nbf > now + LEEWAY_SECS {
        return Err(TokenError::Invalid);
    }
    Ok(claims)
}

/// The claims of a token signed with `key`, whenever it was valid: what an ended session's token
/// still names (its session), never whether it may be used.
pub fn verify_signature(token: &str, key: &SigningKey) -> Result<Claims, TokenError> {
    decode::<Claims>(token, &DecodingKey::from_secret(key.expose()), &validation())
        .map(|data| data.claims)
        .map_err(|_| TokenError::Invalid)
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;

    fn key() -> SigningKey {
        SigningKey::new(vec![7u8; 32]).unwrap()
    }

    fn now() -> i64 {
        chrono::Utc::now().timestamp()
    }

    fn claims() -> Claims {
        Claims::new("customer:1".into(), Role::Customer, "s1".into(), "j1".into(), now(), 300)
    }

    fn b64(json: &serde_json::Value) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json.to_string())
    }

    #[test]
    fn a_fresh_token_round_trips() {
        let c = claims();
        assert_eq!(verify(&sign(&c, &key()).unwrap(), &key(), now()).unwrap(), c);
    }

    #[test]
    fn a_delegated_token_names_the_actor() {
        let mut c = claims();
        c.act = Some(Actor { sub: "staff:9".into() });
        assert_eq!(
            verify(&sign(&c, &key()).unwrap(), &key(), now()).unwrap().act,
            Some(Actor { sub: "staff:9".into() })
        );
    }

    #[test]
    fn expired_tokens_are_refused() {
        let c = Claims::new("customer:1".into(), Role::Customer, "s".into(), "j".into(), now() - 3600, 300);
        assert_eq!(verify(&sign(&c, &key()).unwrap(), &key(), now()), Err(TokenError::Invalid));
    }

    #[test]
    fn validity_is_judged_by_the_clock_passed_in() {
        let c = Claims::new("customer:1".into(), Role::Customer, "s".into(), "j".into(), 1_000_000, 300);
        let token = sign(&c, &key()).unwrap();
        assert!(verify(&token, &key(), 1_000_000).is_ok());
        assert!(verify(&token, &key(), 1_000_300).is_ok());
        assert_eq!(verify(&token, &key(), 1_000_306), Err(TokenError::Invalid));
        assert_eq!(verify(&token, &key(), 999_990), Err(TokenError::Invalid));
    }

    #[test]
    fn tokens_not_yet_valid_are_refused() {
        let mut c = claims();
        c.nbf = now() + 600;
        c.exp = now() + 900;
        assert_eq!(verify(&sign(&c, &key()).unwrap(), &key(), now()), Err(TokenError::Invalid));
    }

    #[test]
    fn a_wrong_signature_is_refused() {
        let token = sign(&claims(), &SigningKey::new(vec![8u8; 32]).unwrap()).unwrap();
        assert_eq!(verify(&token, &key(), now()), Err(TokenError::Invalid));
        // Change one character in the middle of the signature (the last one may only carry
        // padding bits), always to a different character.
        let token = sign(&claims(), &key()).unwrap();
        let at = token.len() - 10;
        let replacement = if token.as_bytes()[at] == b'A' { "B" } else { "A" };
        let tampered = format!("{}{}{}", &token[..at], replacement, &token[at + 1..]);
        assert_ne!(tampered, token);
        assert_eq!(verify(&tampered, &key(), now()), Err(TokenError::Invalid));
    }

    #[test]
    fn another_algorithm_is_refused_even_with_the_right_key() {
        let token =
            encode(&Header::new(Algorithm::HS512), &claims(), &EncodingKey::from_secret(key().expose())).unwrap();
        assert_eq!(verify(&token, &key(), now()), Err(TokenError::Invalid));
    }

    #[test]
    fn unsigned_none_tokens_are_refused() {
        let header = b64(&serde_json::json!({"alg": "none", "typ": "JWT"}));
        let payload = b64(&serde_json::to_value(claims()).unwrap());
        assert_eq!(verify(&format!("{header}.{payload}."), &key(), now()), Err(TokenError::Invalid));
    }

    #[test]
    fn wrong_issuer_or_audience_is_refused() {
        let mut c = claims();
        c.iss = "someone-else".into();
        assert_eq!(verify(&sign(&c, &key()).unwrap(), &key(), now()), Err(TokenError::Invalid));
        let mut c = claims();
        c.aud = "another-app".into();
        assert_eq!(verify(&sign(&c, &key()).unwrap(), &key(), now()), Err(TokenError::Invalid));
    }

    #[test]
    fn tokens_missing_a_claim_are_refused() {
        for missing in ["sid", "exp", "nbf", "jti", "role", "sub"] {
            let mut value = serde_json::to_value(claims()).unwrap();
            value.as_object_mut().unwrap().remove(missing);
            let token =
                encode(&Header::new(Algorithm::HS256), &value, &EncodingKey::from_secret(key().expose())).unwrap();
            assert_eq!(
                verify(&token, &key(), now()),
                Err(TokenError::Invalid),
                "a token without {missing} was accepted"
            );
        }
    }
}
