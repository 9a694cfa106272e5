//! What a request asks for: a whole page, an htmx fragment, or API JSON; the bearer token it
//! carries; and the client address it came from.

use std::net::IpAddr;

use actix_web::HttpRequest;
use actix_web::http::header;

/// The kind of answer a request expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wants {
    /// A whole HTML page.
    Page,
    /// Only the part htmx swaps.
    Fragment,
    /// JSON (everything under /api).
    Json,
}

/// The token in an `Authorization: Bearer ...` header, if there is one.
pub fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then(|| token.to_owned())
}

/// Decides what `req` expects.
pub fn wants(req: &HttpRequest) -> Wants {
    if req.path() == "/api" || req.path().starts_with("/api/") {
        Wants::Json
    } else if is_fragment_request(req) {
        Wants::Fragment
    } else {
        Wants::Page
    }
}

/// htmx asked for a fragment: `HX-Request` present, and not a boosted navigation or a history
/// restore (those need the whole page).
pub fn is_fragment_request(req: &HttpRequest) -> bool {
    let headers = req.headers();
    headers.contains_key("HX-Request")
        && !headers.contains_key("HX-Boosted")
        && !headers.contains_key("HX-History-Restore-Request")
}

/// The address of the client behind `req`: the connection's, unless that is one of `trusted`
/// proxies, whose `X-Forwarded-For` then says it. Read from the right, past the trusted hops:
/// whatever a client writes into the header itself stays to the left and is never believed.
pub fn client_address(req: &HttpRequest, trusted: &[IpAddr]) -> Option<IpAddr> {
    let peer = req.peer_addr()?.ip();
    let forwarded = req
        .headers()
        .get_all("X-Forwarded-For")
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join(",");
    Some(forwarded_client(peer, &forwarded, trusted))
}

fn forwarded_client(peer: IpAddr, forwarded: &str, trusted: &[IpAddr]) -> IpAddr {
    let mut client = peer;
    for hop in forwarded.rsplit(',') {
        if !trusted.contains(&client) {
            break;
        }
        match hop.trim().parse() {
            Ok(address) => client = address,
            Err(_) => break,
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_addresses_are_believed_only_from_trusted_proxies() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let proxy = [ip("10.0.0.5")];
        // No proxy trusted: the connection's address, whatever the header claims.
        assert_eq!(
            forwarded_client(ip("203.0.113.9"), "198.51.100.1", &[]),
            ip("203.0.113.9")
        );
        // Through the proxy: the address it appended, not what the client wrote before it.
        assert_eq!(
            forwarded_client(ip("10.0.0.5"), "1.2.3.4, 198.51.100.7", &proxy),
            ip("198.51.100.7")
        );
        // A client that talks to Patron directly cannot pretend.
        assert_eq!(
            forwarded_client(ip("198.51.100.7"), "10.0.0.5", &proxy),
            ip("198.51.100.7")
        );
        // A header that does not parse stops at the proxy.
        assert_eq!(
            forwarded_client(ip("10.0.0.5"), "junk", &proxy),
            ip("10.0.0.5")
        );
    }
}
