package store_test

import (
	"testing"

	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/planning"
)

func TestAPlanningCycleKeepsStepsReportsAndMeasuresThatNameTheirGap(t *testing.T) {
	eachWithClock(t, func(t *testing.T, e *accountsEnv) {
		coord := e.coordinator(t, e.hn, "k@hannover.example", "")
		other := e.coordinator(t, e.bs, "k@braunschweig.example", "")
		ed := e.editor(t, e.hn, "r@fz.example")
		sc := coord.Scope()
		c := planning.Cycle{KommuneID: e.hn.kommune.ID, Title: "Präventionskette 2027", StartedOn: catalog.Date{Y: 2026, M: 11, D: 1}}
		if err := e.s.CreateCycle(ctx, ed.Scope(), actor(ed), &c); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("editor starts a cycle: %v", err)
		}
		if err := e.s.CreateCycle(ctx, sc, actor(coord), &c); err != nil {
			t.Fatal(err)
		}
		done := catalog.Date{Y: 2026, M: 11, D: 20}
		if err := e.s.SaveStep(ctx, sc, actor(coord), c.ID, planning.StepRecord{Step: planning.Inventory, DoneOn: &done,
			Notes: "Alle Familienzentren befragt."}); err != nil {
			t.Fatal(err)
		}
		pdf := append([]byte("%PDF-1.4\n"), make([]byte, 64)...)
		if err := e.s.AddAttachment(ctx, sc, actor(coord), &planning.Attachment{CycleID: c.ID, Step: planning.NeedsAnal,
			Filename: "x.html", ContentType: "text/html; charset=utf-8", Data: []byte("<script>")}); !errs.Is(err, errs.Invalid) {
			t.Fatalf("an HTML attachment: %v, want invalid", err)
		}
		att := planning.Attachment{CycleID: c.ID, Step: planning.NeedsAnal, Filename: "Lückenbericht.pdf", ContentType: "application/pdf", Data: pdf}
		if err := e.s.AddAttachment(ctx, sc, actor(coord), &att); err != nil {
			t.Fatal(err)
		}

		bad := planning.Measure{CycleID: c.ID, Title: "Hebammensprechstunde", AreaID: e.bs.area.ID, Phase: "age_0_3", Field: "health", Status: planning.Planned}
		if err := e.s.SaveMeasure(ctx, sc, actor(coord), &bad); !errs.Is(err, errs.Invalid) {
			t.Fatalf("a measure for another Kommune's Area: %v, want invalid", err)
		}
		both := planning.Measure{CycleID: c.ID, Title: "X", AreaID: e.hn.area.ID, Phase: "age_0_3", Field: "health", Transition: "kita_school", Status: planning.Planned}
		if err := e.s.SaveMeasure(ctx, sc, actor(coord), &both); !errs.Is(err, errs.Invalid) {
			t.Fatalf("a measure naming a cell and a transition: %v, want invalid", err)
		}
		m := planning.Measure{CycleID: c.ID, Title: "Hebammensprechstunde im Familienzentrum", AreaID: e.hn.area.ID,
			Phase: "age_0_3", Field: "health", Status: planning.Planned}
		if err := e.s.SaveMeasure(ctx, sc, actor(coord), &m); err != nil {
			t.Fatal(err)
		}
		offer := e.hn.offer.ID
		m.OfferID, m.Status = &offer, planning.Done
		if err := e.s.SaveMeasure(ctx, sc, actor(coord), &m); err != nil {
			t.Fatal(err)
		}

		got, err := e.s.GetCycle(ctx, sc, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Current != planning.NeedsAnal || got.Steps[0].Notes != "Alle Familienzentren befragt." {
			t.Fatalf("steps: current %s, %+v", got.Current, got.Steps[0])
		}
		if len(got.Files) != 1 || got.Files[0].Size != len(pdf) || got.Files[0].Filename != "Lückenbericht.pdf" {
			t.Fatalf("attachments: %+v", got.Files)
		}
		if len(got.Measures) != 1 || got.Measures[0].Status != planning.Done || got.Measures[0].OfferName != e.hn.offer.Name ||
			got.Measures[0].AreaName != e.hn.area.Name {
			t.Fatalf("measures: %+v", got.Measures)
		}
		for _, sc := range []struct {
			name string
			err  error
		}{
			{"foreign cycle", errOnlyCycle(e.s.GetCycle(ctx, other.Scope(), c.ID))},
			{"foreign attachment", errOnlyAttachment(e.s.GetAttachment(ctx, other.Scope(), att.ID))},
			{"foreign measure", errOnlyMeasure(e.s.GetMeasure(ctx, other.Scope(), m.ID))},
		} {
			if !errs.Is(sc.err, errs.NotFound) {
				t.Errorf("%s: %v, want not found", sc.name, sc.err)
			}
		}
		if _, err := e.s.ListCycles(ctx, ed.Scope(), e.hn.kommune.ID); !errs.Is(err, errs.Forbidden) {
			t.Errorf("provider editor lists cycles: %v", err)
		}
	})
}

func errOnlyCycle(_ planning.Cycle, err error) error           { return err }
func errOnlyAttachment(_ planning.Attachment, err error) error { return err }
func errOnlyMeasure(_ planning.Measure, err error) error       { return err }
