package chain_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/chain"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/store"
)

// Three Sozialräume 10 km apart; offers without locations, so only the service-area rule decides.
func TestOffersCountWhereTheirServiceAreasSay(t *testing.T) {
	square := func(lon float64) orb.Polygon {
		return orb.Polygon{{{lon, 52}, {lon + 0.01, 52}, {lon + 0.01, 52.01}, {lon, 52.01}, {lon, 52}}}
	}
	var areas []region.Area
	for i, name := range []string{"Nord", "Mitte", "Süd"} {
		areas = append(areas, region.Area{ID: uuid.New(), Key: string(rune('1' + i)), Name: name, Geometry: square(9 + 0.15*float64(i)),
			Children: region.Children{Age0to2: 100, Age3to5: 100}})
	}
	offer := func(delivery string, serves ...int) store.ChainOffer {
		o := store.ChainOffer{ID: uuid.New(), Phases: []string{"age_0_3"}, Fields: []string{"health"}, Delivery: []string{delivery}}
		for _, i := range serves {
			o.ServiceAreas = append(o.ServiceAreas, areas[i].ID)
		}
		return o
	}
	supply := func(offers ...store.ChainOffer) []int {
		m := chain.Analyse(chain.Input{ChainSource: store.ChainSource{Areas: areas, Offers: offers}},
			chain.Config{Phases: []string{"age_0_3"}, Fields: []string{"health"}})
		var out []int
		for _, c := range m.Cells {
			out = append(out, c.Supply)
		}
		return out
	}
	for _, c := range []struct {
		name   string
		offers []store.ChainOffer
		want   []int
	}{
		{"outreach without service areas serves the whole Kommune", []store.ChainOffer{offer(catalog.DeliveryOutreach)}, []int{1, 1, 1}},
		{"outreach with service areas serves only those", []store.ChainOffer{offer(catalog.DeliveryOutreach, 0, 2)}, []int{1, 0, 1}},
		{"a phone offer without location serves nowhere", []store.ChainOffer{offer(catalog.DeliveryPhone)}, []int{0, 0, 0}},
		{"a phone offer serves its service areas", []store.ChainOffer{offer(catalog.DeliveryPhone, 1)}, []int{0, 1, 0}},
	} {
		got := supply(c.offers...)
		if len(got) != 3 || got[0] != c.want[0] || got[1] != c.want[1] || got[2] != c.want[2] {
			t.Errorf("%s: supply %v, want %v", c.name, got, c.want)
		}
	}
}
