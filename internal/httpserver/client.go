package httpserver

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

var clientKey = &contextKey{"client"}

// withClient records who a request comes from: the peer's address, or, when
// trustProxy is set, the last address in X-Forwarded-For (the one the proxy
// in front appended). A client can write anything into X-Forwarded-For, so
// it is believed only when a proxy of one's own is known to be in front.
func withClient(trustProxy bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			addr := peerAddr(r.RemoteAddr)
			if trustProxy {
				if fwd, ok := lastForwardedFor(r.Header.Values("X-Forwarded-For")); ok {
					addr = fwd
				}
			}
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), clientKey, addr)))
		})
	}
}

// clientFrom returns the client address withClient recorded, or "".
func clientFrom(ctx context.Context) string {
	c, _ := ctx.Value(clientKey).(string)
	return c
}

// peerAddr is the IP of a RemoteAddr "ip:port"; what cannot be split is
// kept whole.
func peerAddr(remote string) string {
	if host, _, err := net.SplitHostPort(remote); err == nil {
		return host
	}
	return remote
}

// lastForwardedFor returns the last valid address in X-Forwarded-For.
func lastForwardedFor(values []string) (string, bool) {
	all := strings.Join(values, ",")
	for all != "" {
		i := strings.LastIndexByte(all, ',')
		entry := strings.TrimSpace(all[i+1:])
		all = all[:max(i, 0)]
		if entry == "" {
			continue
		}
		if a, err := netip.ParseAddr(entry); err == nil {
			return a.Unmap().String(), true
		}
		if ap, err := netip.ParseAddrPort(entry); err == nil {
			return ap.Addr().Unmap().String(), true
		}
		return "", false // the proxy's own entry is garbage: believe none of it
	}
	return "", false
}

// rateKey is the bucket a client's requests count against: its IPv4
// address, or its IPv6 /64, since one host commonly holds a whole /64 and
// could otherwise take a fresh bucket per address.
func rateKey(client string) string {
	a, err := netip.ParseAddr(client)
	if err != nil {
		return client
	}
	a = a.Unmap()
	if a.Is4() {
		return a.String()
	}
	p, _ := a.Prefix(64)
	return p.String()
}
