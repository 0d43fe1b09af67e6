package graph

import (
	"context"
	"fmt"
	"slices"

	"github.com/bif-kk/orggraph/graph/model"
	"github.com/bif-kk/orggraph/internal/domain"
)

// nodeLinks serves every node type's links field. Only the relationship kinds
// whose spec lets n's kind stand at the asked end are looked up, so an
// unfiltered links costs a handful of batched calls, not one per kind.
func nodeLinks(ctx context.Context, n *domain.Node, kind *domain.RelKind, dir *domain.Direction) ([]*model.Link, error) {
	var keys []linkKey
	for _, spec := range domain.RelSpecs {
		if kind != nil && spec.Kind != *kind {
			continue
		}
		if (dir == nil || *dir == domain.Outgoing) && slices.Contains(spec.From, n.Kind) {
			keys = append(keys, linkKey{ID: n.ID, Kind: spec.Kind, Dir: domain.Outgoing})
		}
		if (dir == nil || *dir == domain.Incoming) && slices.Contains(spec.To, n.Kind) {
			keys = append(keys, linkKey{ID: n.ID, Kind: spec.Kind, Dir: domain.Incoming})
		}
	}
	if len(keys) == 0 {
		return []*model.Link{}, nil
	}
	links, err := loadLinks(ctx, keys)
	if err != nil {
		return nil, err
	}
	out := make([]*model.Link, len(links))
	far := make([]*domain.Node, 0, len(links))
	for i, l := range links {
		out[i] = &model.Link{Link: l}
		if l.Node != nil {
			far = append(far, l.Node)
		}
	}
	// The far ends came with the links: node and statement need no lookup.
	primeNodes(ctx, far)
	return out, nil
}

// statement reads a relationship as a sentence with its kind's code
// (domain.Relationship.Statement).
func statement(ctx context.Context, rel *domain.Relationship) (string, error) {
	from, to, err := endNames(ctx, rel)
	if err != nil {
		return "", err
	}
	return rel.Statement(from, to), nil
}

// sentence reads a relationship as a sentence in lang
// (domain.Relationship.Sentence): "CBA betjener Ressourceforløb".
func sentence(ctx context.Context, rel *domain.Relationship, lang domain.Lang) (string, error) {
	from, to, err := endNames(ctx, rel)
	if err != nil {
		return "", err
	}
	return rel.Sentence(lang, from, to), nil
}

func endNames(ctx context.Context, rel *domain.Relationship) (from, to string, err error) {
	ends, err := loadNodes(ctx, []domain.ID{rel.From, rel.To})
	if err != nil {
		return "", "", err
	}
	if len(ends) != 2 {
		return "", "", fmt.Errorf("graph: relationship %s has a missing end", rel.Key())
	}
	return ends[0].Name, ends[1].Name, nil
}

// wrapped loads the node with id as the GraphQL Node; a dangling id, which a
// validated store cannot hold, is an internal error.
func wrapped(ctx context.Context, id domain.ID) (model.Node, error) {
	n, err := loadNode(ctx, id)
	if err != nil {
		return nil, err
	}
	if n == nil {
		return nil, fmt.Errorf("graph: node %s is referred to but missing", id)
	}
	return model.Wrap(n), nil
}
