//! Passwords and secret tokens for staff accounts, shared by the admin and
//! the command line.
//!
//! Passwords are hashed with Argon2id (argon2's defaults: 19 MiB, two
//! passes), off the async threads since one hash takes tens of milliseconds.
//! Tokens are 256 random bits; the store keeps only their SHA-256.

use argon2::{
    Argon2,
    password_hash::{PasswordHasher, PasswordVerifier},
};
use dateline_core::Invalid;
use sha2::{Digest, Sha256};

use crate::encoding::hex;

/// Shorter passwords are refused; NIST SP 800-63B asks for at least 8.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// Longer ones are refused too: hashing cost grows with length.
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// Checks a new password against the rules above.
pub fn check_new_password(password: &str) -> Result<(), Invalid> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(Invalid::new(
            "password",
            format!("must be at least {MIN_PASSWORD_CHARS} characters"),
        ));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(Invalid::new(
            "password",
            format!("must be at most {MAX_PASSWORD_BYTES} bytes"),
        ));
    }
    Ok(())
}

/// The Argon2id PHC string for `password`, with a fresh salt.
pub async fn hash_password(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|hash| hash.to_string())
            .map_err(|e| anyhow::anyhow!("cannot hash the password: {e}"))
    })
    .await?
}

/// Whether `password` matches `hash`. A malformed hash matches nothing.
pub async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .verify_password(password.as_bytes(), hash.as_str())
            .is_ok()
    })
    .await
    .unwrap_or(false)
}

/// A hash to check a password against when the account does not exist, so
/// that a wrong address takes as long to refuse as a wrong password.
pub async fn dummy_hash() -> &'static str {
    static DUMMY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    DUMMY
        .get_or_init(|| async {
            hash_password(new_token())
                .await
                .unwrap_or_else(|_| String::from("$argon2id$v=19$m=19456,t=2,p=1$invalid"))
        })
        .await
}

/// 256 random bits, hex: a session token, a CSRF token, a setup token.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    hex(&bytes)
}

/// A password to hand out once (`dateline user add`): 20 characters from
/// an alphabet without look-alikes, about 100 bits.
pub fn one_time_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 20];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    bytes
        .iter()
        // 256 is not a multiple of 55; the bias this leaves is under 1 bit in all.
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect()
}

/// What the store keeps of a token.
/// What every personal access token starts with, so that secret scanners
/// (and people) recognise one pasted where it should not be.
pub const ACCESS_TOKEN_PREFIX: &str = "dlpat_";
/// Characters of a token kept in the clear, to tell tokens apart in lists.
const ACCESS_TOKEN_SHOWN: usize = ACCESS_TOKEN_PREFIX.len() + 6;

/// A new personal access token's secret, and the start of it that lists show.
pub fn new_access_token() -> (String, String) {
    let secret = format!("{ACCESS_TOKEN_PREFIX}{}", new_token());
    let shown = secret[..ACCESS_TOKEN_SHOWN].to_owned();
    (secret, shown)
}

/// What every wire source's push token starts with.
pub const PUSH_TOKEN_PREFIX: &str = "dlwire_";

/// A new push token for a wire source (the store keeps its hash).
pub fn new_push_token() -> String {
    format!("{PUSH_TOKEN_PREFIX}{}", new_token())
}

pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Compares secrets in time independent of where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_password_verifies_against_its_own_hash_only() {
        let hash = hash_password("correct horse battery".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verify_password("correct horse battery".into(), hash.clone()).await);
        assert!(!verify_password("correct horse battery!".into(), hash).await);
        assert!(!verify_password("x".into(), "not a hash".into()).await);
    }

    #[test]
    fn password_rules() {
        assert!(check_new_password("short").is_err());
        assert!(check_new_password("long enough now").is_ok());
        assert!(check_new_password(&"x".repeat(MAX_PASSWORD_BYTES + 1)).is_err());
        let otp = one_time_password();
        assert_eq!(otp.len(), 20);
        assert!(check_new_password(&otp).is_ok());
    }

    #[test]
    fn tokens_are_fresh_and_compared_in_full() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert!(same_secret(&a, &a.clone()));
        assert!(!same_secret(&a, &b));
        assert!(!same_secret(&a, &a[..63]));
        assert_ne!(token_hash(&a), a);
    }
}
