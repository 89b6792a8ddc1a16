//! The client address handed to the authenticator: the socket's, or the one a trusted proxy
//! recorded in `X-Forwarded-For`.

use std::net::{IpAddr, SocketAddr};

use http::HeaderMap;

/// The client address of a request, set as a request extension by [`crate::serve_connections`]
/// callers that resolve it (leanrpc-axum's `serve_with` does), and read by handlers in place of
/// the socket's address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

/// The client's address: `socket` itself when `trusted_hops` is 0, otherwise the
/// `trusted_hops`-th `X-Forwarded-For` entry from the right (every `X-Forwarded-For` header,
/// in order, counts as one list). With fewer entries than hops, the leftmost entry; with none,
/// or an entry that is not an address, `socket`.
pub fn client_addr(socket: IpAddr, headers: &HeaderMap, trusted_hops: usize) -> IpAddr {
    if trusted_hops == 0 {
        return socket;
    }
    let entries: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .collect();
    let Some(entry) = entries
        .len()
        .checked_sub(trusted_hops)
        .map_or(entries.first(), |index| entries.get(index))
    else {
        return socket;
    };
    entry
        .parse::<IpAddr>()
        .or_else(|_| entry.parse::<SocketAddr>().map(|addr| addr.ip()))
        .unwrap_or_else(|_| {
            tracing::debug!(%socket, "X-Forwarded-For entry is not an address; using the socket's");
            socket
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for value in values {
            map.append("x-forwarded-for", value.parse().unwrap());
        }
        map
    }

    #[test]
    fn hops_pick_from_the_right() {
        let socket: IpAddr = "10.0.0.1".parse().unwrap();
        let xff = headers(&["198.51.100.1, 203.0.113.7", "192.0.2.9"]);
        let at = |hops| client_addr(socket, &xff, hops).to_string();
        assert_eq!(at(0), "10.0.0.1");
        assert_eq!(at(1), "192.0.2.9");
        assert_eq!(at(2), "203.0.113.7");
        assert_eq!(at(3), "198.51.100.1");
        assert_eq!(at(9), "198.51.100.1");
        assert_eq!(client_addr(socket, &headers(&[]), 1), socket);
        assert_eq!(client_addr(socket, &headers(&["nonsense"]), 1), socket);
        assert_eq!(
            client_addr(socket, &headers(&["[2001:db8::1]:443"]), 1).to_string(),
            "2001:db8::1"
        );
    }
}
