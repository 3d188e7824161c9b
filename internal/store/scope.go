package store

import "github.com/kette-org/kette/internal/tenant"

// scopeWhere returns a condition on a kommune id column for the scope. Public and system scopes see every
// Kommune (the public's restriction to published content is added per entity); the zero scope sees nothing.
func (s *Store) scopeWhere(scope tenant.Scope, col string) (string, []any) {
	switch scope.Kind {
	case tenant.KindPublic, tenant.KindSystem:
		return "1=1", nil
	case tenant.KindLand:
		return col + " IN (SELECT id FROM kommunen WHERE land_code = ?)", []any{scope.LandCode}
	case tenant.KindKommune:
		return col + " = ?", []any{scope.KommuneID}
	default:
		return "1=0", nil
	}
}
