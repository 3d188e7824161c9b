package web

import "github.com/kette-org/kette/internal/chain"

// chainSource is where analyses of many Kommunen read from: the chain snapshot when the server keeps one, the
// store otherwise. (A nil *chain.Snapshot must not become a non-nil chain.Source.)
func (s *server) chainSource() chain.Source {
	if s.chain != nil {
		return s.chain
	}
	return s.store
}
