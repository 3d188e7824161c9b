package web

import (
	"strings"

	"github.com/kette-org/kette/internal/i18n"
)

// fieldView is one labelled form field with its value and message, for the "field" block of forms.html.
type fieldView struct {
	Name, Label, Type, Value, Error, Autocomplete, Hint string
	Required                                            bool
	Options                                             []option // for Type "select"
}

// option is one choice of a select field.
type option struct {
	Value, Label string
	Selected     bool
}

// newFieldView builds a field from the form state; opts are "required", "autocomplete=…", "hint=<message id>".
func newFieldView(l *i18n.Localizer, f form, name, labelID, typ string, opts []string) fieldView {
	v := fieldView{Name: name, Label: l.T(labelID), Type: typ, Value: f.Values[name], Error: f.Errors[name]}
	for _, o := range opts {
		switch {
		case o == "required":
			v.Required = true
		case strings.HasPrefix(o, "autocomplete="):
			v.Autocomplete = strings.TrimPrefix(o, "autocomplete=")
		case strings.HasPrefix(o, "hint="):
			v.Hint = l.T(strings.TrimPrefix(o, "hint="))
		}
	}
	if typ == "password" {
		v.Value = "" // a password is never sent back into the page
	}
	return v
}

// checkGroup is a group of checkboxes or a select, with its message.
type checkGroup struct {
	Name, Legend, Error string
	Items               []checkItem
	Options             []option
}

// formState is any page data that embeds a form, so the template functions can read its values and messages.
type formState interface{ state() form }

func (f form) state() form { return f }
