package httpserver

import (
	"net/http"
	"testing"
)

func TestPlaygroundSwitch(t *testing.T) {
	tests := []struct {
		on   bool
		want int
	}{
		{true, http.StatusOK},
		{false, http.StatusNotFound},
	}
	for _, tt := range tests {
		name := "off"
		if tt.on {
			name = "on"
		}
		t.Run(name, func(t *testing.T) {
			h := quietServer(fixtureStore(t), Options{Playground: tt.on})
			for _, path := range []string{"/", "/playground/playground.js", "/playground/playground.css"} {
				if rec := send(h, http.MethodGet, path, ""); rec.Code != tt.want {
					t.Errorf("GET %s = %d, want %d", path, rec.Code, tt.want)
				}
			}
			if rec := send(h, http.MethodGet, "/graphql?query=%7B__typename%7D", ""); rec.Code != http.StatusOK {
				t.Errorf("the endpoint itself: %d", rec.Code)
			}
		})
	}
}
