//! Client addresses as the limits count them. An IPv6 client usually holds a whole /64
//! (its router hands out addresses from it at will), so counting single IPv6 addresses
//! would give one client 2^64 allowances: limits count an IPv4 address or an IPv6 /64.

pub mod connection_count;

use std::net::{IpAddr, Ipv6Addr};

/// The network a client address belongs to for rate limits, sign-in throttling and the
/// connection cap: the IPv4 address itself (also when written as an IPv4-mapped IPv6
/// address), or the IPv6 address's /64.
pub fn limit_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{}/64", Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

/// [`limit_key`] of an address as text (with or without a port, IPv6 in brackets or not);
/// text that is no address is kept as it is, cut to a sane length.
pub fn limit_key_of(text: &str) -> String {
    let text = text.trim();
    if let Ok(ip) = text.parse::<IpAddr>() {
        return limit_key(ip);
    }
    if let Ok(socket) = text.parse::<std::net::SocketAddr>() {
        return limit_key(socket.ip());
    }
    if let Some(ip) = text
        .strip_prefix('[')
        .and_then(|rest| rest.split(']').next())
        .and_then(|inner| inner.parse::<IpAddr>().ok())
    {
        return limit_key(ip);
    }
    text.chars().take(64).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_counts_per_64_and_ipv4_per_address() {
        assert_eq!(limit_key_of("192.0.2.7"), "192.0.2.7");
        assert_eq!(limit_key_of("192.0.2.7:5123"), "192.0.2.7");
        assert_eq!(limit_key_of("::ffff:192.0.2.7"), "192.0.2.7");
        assert_eq!(limit_key_of("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(
            limit_key_of("2001:db8:1:2:ffff:ffff:ffff:ffff"),
            "2001:db8:1:2::/64"
        );
        assert_eq!(limit_key_of("[2001:db8:1:3::9]:443"), "2001:db8:1:3::/64");
        assert_ne!(
            limit_key_of("2001:db8:1:2::1"),
            limit_key_of("2001:db8:1:3::1")
        );
    }
}
