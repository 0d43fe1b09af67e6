package domain

import (
	"strconv"
	"strings"
)

// Money is an exact amount of Danish kroner. It is held as whole kroner in
// an int64: a GraphQL Int cannot hold BIF's 9.0 bn DKK of transfer payments.
type Money struct {
	DKK int64
}

const (
	million = 1_000_000
	billion = 1_000_000_000
)

// Display writes the amount the way the document does: "533 mio. kr.",
// "5,8 mio. kr.", "9,0 mia. kr.". Billions always keep one decimal, as the
// slides write them; millions keep one only when the amount needs it.
func (m Money) Display() string {
	v := m.DKK
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	switch {
	case v >= billion:
		return sign + decimal(v, billion, 1, false) + " mia. kr."
	case v >= million:
		return sign + decimal(v, million, 1, true) + " mio. kr."
	default:
		return sign + thousands(v) + " kr."
	}
}

// decimal writes v/unit with up to places decimals and a Danish decimal
// comma; trim drops a zero fraction.
func decimal(v, unit int64, places int, trim bool) string {
	scale := int64(1)
	for range places {
		scale *= 10
	}
	scaled := (v*scale + unit/2) / unit // round half up
	whole, frac := scaled/scale, scaled%scale
	s := thousands(whole)
	if frac == 0 && trim {
		return s
	}
	f := strconv.FormatInt(frac, 10)
	return s + "," + strings.Repeat("0", places-len(f)) + f
}

// thousands writes n with Danish thousands separators: 22.500.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	return b.String()
}
