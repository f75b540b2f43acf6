//! The client's address, behind trusted reverse proxies.
//!
//! Behind a TLS proxy every request comes from the proxy's address, so throttling by
//! address would lump all users together (30 failures from anyone would lock out
//! everyone). The proxy names the real client in `Forwarded` (RFC 7239) or
//! `X-Forwarded-For`, but any client can send those headers too. So:
//!
//! - the headers are believed only when the TCP peer is a trusted proxy
//!   ([`crate::WebSettings::trusted_proxies`], addresses or CIDR ranges);
//! - the chain is read from the right (nearest hop first), skipping addresses that are
//!   themselves trusted proxies; the first untrusted address is the client. Addresses
//!   further left were written by the client and are ignored;
//! - `Forwarded` wins over `X-Forwarded-For` when both are present; a header that does
//!   not parse leaves the peer's address.

use axum::http::HeaderMap;
use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};

/// Parses one `for=` value of a `Forwarded` element: `192.0.2.60`, `"[2001:db8::1]:4711"`,
/// `"192.0.2.43:47011"`. Obfuscated identifiers (`_hidden`, `unknown`) give `None`.
fn forwarded_for(value: &str) -> Option<IpAddr> {
    let v = value.trim().trim_matches('"');
    if let Some(rest) = v.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok();
    }
    v.parse::<IpAddr>()
        .ok()
        .or_else(|| v.parse::<SocketAddr>().ok().map(|s| s.ip()))
}

/// The hops named by the `Forwarded` headers, left (client side) to right, or `None`
/// when there is no such header or a hop does not parse.
fn forwarded_chain(headers: &HeaderMap) -> Option<Vec<IpAddr>> {
    let mut hops = Vec::new();
    let mut any = false;
    for value in headers.get_all("forwarded") {
        any = true;
        let text = value.to_str().ok()?;
        for element in text.split(',') {
            let for_pair = element
                .split(';')
                .filter_map(|pair| pair.split_once('='))
                .find(|(k, _)| k.trim().eq_ignore_ascii_case("for"));
            let (_, v) = for_pair?;
            hops.push(forwarded_for(v)?);
        }
    }
    any.then_some(hops)
}

/// The hops named by the `X-Forwarded-For` headers, left to right, or `None` when there
/// is no such header or a hop does not parse.
fn x_forwarded_for_chain(headers: &HeaderMap) -> Option<Vec<IpAddr>> {
    let mut hops = Vec::new();
    let mut any = false;
    for value in headers.get_all("x-forwarded-for") {
        any = true;
        for hop in value.to_str().ok()?.split(',') {
            hops.push(forwarded_for(hop)?);
        }
    }
    any.then_some(hops)
}

fn trusted(ip: IpAddr, proxies: &[IpNet]) -> bool {
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    };
    proxies.iter().any(|net| net.contains(&ip))
}

/// The client's address for a request from `peer` with `headers`, believing forwarding
/// headers only from `trusted_proxies`.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted_proxies: &[IpNet]) -> IpAddr {
    if !trusted(peer, trusted_proxies) {
        return peer;
    }
    let chain = forwarded_chain(headers).or_else(|| x_forwarded_for_chain(headers));
    let Some(chain) = chain else {
        return peer;
    };
    chain
        .iter()
        .rev()
        .find(|hop| !trusted(**hop, trusted_proxies))
        .copied()
        // Every hop is a trusted proxy: the leftmost is as near the client as we know.
        .or_else(|| chain.first().copied())
        .unwrap_or(peer)
}

/// Parses a trusted-proxy setting: a comma- or space-separated list of addresses and
/// CIDR ranges (`10.0.0.0/8, 192.0.2.7, ::1`).
pub fn parse_trusted_proxies(text: &str) -> Result<Vec<IpNet>, String> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<IpNet>()
                .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| format!("not an address or CIDR range: {s:?}"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_static(v));
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn headers_from_an_untrusted_peer_are_ignored() {
        let proxies = parse_trusted_proxies("10.0.0.0/8").unwrap();
        let h = headers(&[("x-forwarded-for", "203.0.113.9")]);
        assert_eq!(
            client_ip(ip("198.51.100.1"), &h, &proxies),
            ip("198.51.100.1")
        );
        assert_eq!(client_ip(ip("198.51.100.1"), &h, &[]), ip("198.51.100.1"));
    }

    #[test]
    fn a_trusted_proxy_names_the_client() {
        let proxies = parse_trusted_proxies("10.0.0.1, 10.0.1.0/24").unwrap();
        let h = headers(&[("x-forwarded-for", "203.0.113.9")]);
        assert_eq!(client_ip(ip("10.0.0.1"), &h, &proxies), ip("203.0.113.9"));
        // A client that forges the header gets its forgery ignored: the proxy appends the
        // real address, and that is the rightmost untrusted one.
        let forged = headers(&[("x-forwarded-for", "1.2.3.4, 203.0.113.9")]);
        assert_eq!(
            client_ip(ip("10.0.0.1"), &forged, &proxies),
            ip("203.0.113.9")
        );
        // Two proxies in a row.
        let two = headers(&[("x-forwarded-for", "1.2.3.4, 203.0.113.9, 10.0.1.5")]);
        assert_eq!(client_ip(ip("10.0.0.1"), &two, &proxies), ip("203.0.113.9"));
        // Split over several header lines.
        let lines = headers(&[
            ("x-forwarded-for", "1.2.3.4"),
            ("x-forwarded-for", "203.0.113.9"),
        ]);
        assert_eq!(
            client_ip(ip("10.0.0.1"), &lines, &proxies),
            ip("203.0.113.9")
        );
        // No header: the proxy itself.
        assert_eq!(
            client_ip(ip("10.0.0.1"), &HeaderMap::new(), &proxies),
            ip("10.0.0.1")
        );
    }

    #[test]
    fn forwarded_is_read_and_wins() {
        let proxies = parse_trusted_proxies("10.0.0.1").unwrap();
        let h = headers(&[
            (
                "forwarded",
                "for=1.2.3.4, for=\"[2001:db8::7]:4711\";proto=https",
            ),
            ("x-forwarded-for", "198.51.100.3"),
        ]);
        assert_eq!(client_ip(ip("10.0.0.1"), &h, &proxies), ip("2001:db8::7"));
        let port = headers(&[("forwarded", "for=\"192.0.2.43:47011\"")]);
        assert_eq!(client_ip(ip("10.0.0.1"), &port, &proxies), ip("192.0.2.43"));
    }

    #[test]
    fn garbage_leaves_the_peer() {
        let proxies = parse_trusted_proxies("10.0.0.1").unwrap();
        for bad in ["not-an-ip", "1.2.3.4, ", "for=_hidden"] {
            let h = headers(&[("x-forwarded-for", bad)]);
            assert_eq!(
                client_ip(ip("10.0.0.1"), &h, &proxies),
                ip("10.0.0.1"),
                "{bad}"
            );
        }
        let hidden = headers(&[("forwarded", "for=_hidden")]);
        assert_eq!(client_ip(ip("10.0.0.1"), &hidden, &proxies), ip("10.0.0.1"));
    }

    #[test]
    fn mapped_ipv4_peers_match_ipv4_ranges() {
        let proxies = parse_trusted_proxies("127.0.0.1").unwrap();
        let h = headers(&[("x-forwarded-for", "203.0.113.9")]);
        assert_eq!(
            client_ip(ip("::ffff:127.0.0.1"), &h, &proxies),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn settings_parse() {
        assert_eq!(parse_trusted_proxies("").unwrap(), vec![]);
        assert_eq!(parse_trusted_proxies("10.0.0.0/8 ::1").unwrap().len(), 2);
        assert!(parse_trusted_proxies("10.0.0.0/33").is_err());
        assert!(parse_trusted_proxies("proxy.local").is_err());
    }
}
