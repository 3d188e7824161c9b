package search

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The radius test trusts midKm2 outside a band of 0.1 % around the radius, so its error must stay well inside
// that band wherever it is used: up to 100 km, below 60° latitude, in every direction.
func TestMidKmIsCloseToHaversine(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	worst := 0.0
	for range 200_000 {
		lat, lon := r.Float64()*120-60, r.Float64()*360-180
		km, dir := r.Float64()*100, r.Float64()*2*math.Pi
		plat := lat + km/111.2*math.Sin(dir)
		plon := lon + km/(111.2*math.Cos(lat*math.Pi/180))*math.Cos(dir)
		h := haversine(lat, lon, plat, plon)
		if h < 0.01 || h > 100 {
			continue
		}
		cos, sin := math.Cos(lat*math.Pi/180), math.Sin(lat*math.Pi/180)
		worst = max(worst, math.Abs(math.Sqrt(midKm2(plat, plon, lat, lon, cos, sin))-h)/h)
	}
	if worst > 0.0001 {
		t.Errorf("midKm2 is off from haversine by up to %.4f %%, more than the radius test allows", worst*100)
	}
}

// A point just inside and one just outside the radius are told apart exactly, also in the band where the
// approximation hands over to haversine.
func TestWithinDecidesAtTheRadiusByHaversine(t *testing.T) {
	lat, lon := 52.3759, 9.7320
	for _, km := range []float64{0.5, 10, 25, 99} {
		for _, dir := range []float64{0, 0.7, 1.6, 3.1, 4.4} {
			for _, f := range []float64{0.9995, 1.0005, 0.99999, 1.00001} {
				// A point at about f × km in direction dir, then the exact answer by haversine.
				plat := lat + f*km/111.2*math.Sin(dir)
				plon := lon + f*km/(111.2*math.Cos(lat*math.Pi/180))*math.Cos(dir)
				want := haversine(lat, lon, plat, plon) <= km
				st := newState()
				st.geo.insert(plat, plon, 0)
				st.docs = make([]doc, 1)
				in, _ := st.within(lat, lon, km, &buffers{})
				if got := in.Contains(0); got != want {
					t.Errorf("%g km, direction %.1f, at %.5f of the radius: in = %v, haversine says %v", km, dir, f, got, want)
				}
			}
		}
	}
}
