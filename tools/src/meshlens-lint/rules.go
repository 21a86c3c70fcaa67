package main

import (
	"fmt"
	"log/slog"
	"regexp"
	"sort"
	"strings"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
)

var (
	// mixtool: recording rules are named level:metric:operations.
	recordName = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*:[a-zA-Z_][a-zA-Z0-9_]*:[a-zA-Z0-9_]+$`)
	alertName  = regexp.MustCompile(`^[A-Z][A-Za-z0-9]+$`)
	// a template's reference to a label: {{ $labels.name }} or {{ .Labels.name }}
	templateLabel = regexp.MustCompile(`(?:\$labels|\.Labels)\.([A-Za-z_][A-Za-z0-9_]*)`)
	severities    = map[string]bool{"critical": true, "warning": true, "info": true}
)

// lintRules checks one Prometheus rule file: Prometheus' own validation, mixtool's naming and
// annotation rules, and pint's checks that need no live Prometheus.
func lintRules(file string) ([]Finding, error) {
	groups, errs := rulefmt.ParseFile(file, false, model.UTF8Validation, promqlParser, slog.New(slog.DiscardHandler))
	var out []Finding
	add := func(rule, object, format string, args ...any) {
		out = append(out, Finding{Rule: rule, File: file, Object: object, Message: fmt.Sprintf(format, args...)})
	}
	for _, e := range errs {
		add("promql/syntax", file, "%v", e)
	}
	if groups == nil {
		return out, nil
	}
	recorded := map[string]bool{}
	for _, g := range groups.Groups {
		for _, r := range g.Rules {
			if r.Record != "" {
				recorded[r.Record] = true
			}
		}
	}
	for _, g := range groups.Groups {
		for _, r := range g.Rules {
			name := r.Record
			if name == "" {
				name = r.Alert
			}
			where := g.Name + " / " + name
			expr, err := promqlParser.ParseExpr(r.Expr)
			if err != nil {
				add("promql/syntax", where, "%v", err)
				continue
			}
			if r.Record != "" && !recordName.MatchString(r.Record) {
				add("mixtool/recording-rule-name", where, "not named level:metric:operations")
			}
			if r.Alert != "" {
				if !alertName.MatchString(r.Alert) {
					add("mixtool/alert-name", where, "alert names are CamelCase")
				}
				for _, a := range []string{"summary", "description", "runbook_url"} {
					if strings.TrimSpace(r.Annotations[a]) == "" {
						add("mixtool/alert-annotations", where, "no %s annotation", a)
					}
				}
				if !severities[r.Labels["severity"]] {
					add("alerts/severity", where, "severity %q is not one of critical, warning, info", r.Labels["severity"])
				}
				// pint alerts/template: a label a template reads must survive the expression's aggregations
				if known, ok := outputLabels(expr); ok {
					for _, text := range templates(r) {
						for _, m := range templateLabel.FindAllStringSubmatch(text, -1) {
							if !known[m[1]] {
								add("alerts/template", where, "template reads label %q, which the query's result does not have (it has: %s)", m[1], keys(known))
							}
						}
					}
				}
			}
			parser.Inspect(expr, func(n parser.Node, path []parser.Node) error {
				switch n := n.(type) {
				case *parser.Call:
					// pint promql/rate: rate/increase of a recorded series is a rate of a rate
					if n.Func.Name == "rate" || n.Func.Name == "increase" || n.Func.Name == "irate" {
						parser.Inspect(n, func(m parser.Node, _ []parser.Node) error {
							if vs, ok := m.(*parser.VectorSelector); ok && recorded[vs.Name] {
								add("promql/rate", where, "%s() of the recorded series %s", n.Func.Name, vs.Name)
							}
							return nil
						})
					}
				case *parser.VectorSelector:
					// pint promql/regexp: a regexp matcher without regexp characters
					for _, m := range n.LabelMatchers {
						if (m.Type.String() == "=~" || m.Type.String() == "!~") && regexp.QuoteMeta(m.Value) == m.Value {
							add("promql/regexp", where, "%s uses a regexp matcher for the literal %q", n.Name, m.Value)
						}
					}
				}
				return nil
			})
		}
	}
	return out, nil
}

func templates(r rulefmt.Rule) []string {
	var out []string
	for _, v := range r.Annotations {
		out = append(out, v)
	}
	for _, v := range r.Labels {
		out = append(out, v)
	}
	return out
}

func keys(m map[string]bool) string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, ", ")
}

// outputLabels is the set of labels an expression's result can carry, when it can be known from
// the expression alone (false when a raw selector's labels pass through unaggregated).
func outputLabels(e parser.Expr) (map[string]bool, bool) {
	switch e := e.(type) {
	case *parser.ParenExpr:
		return outputLabels(e.Expr)
	case *parser.AggregateExpr:
		if e.Without {
			return nil, false
		}
		if e.Op == parser.TOPK || e.Op == parser.BOTTOMK || e.Op == parser.LIMITK || e.Op == parser.LIMIT_RATIO {
			return outputLabels(e.Expr)
		}
		set := map[string]bool{}
		for _, l := range e.Grouping {
			set[l] = true
		}
		return set, true
	case *parser.BinaryExpr:
		l, lok := outputLabels(e.LHS)
		if e.LHS.Type() != parser.ValueTypeVector {
			return outputLabels(e.RHS)
		}
		if e.RHS.Type() != parser.ValueTypeVector || e.Op == parser.LAND || e.Op == parser.LUNLESS {
			return l, lok
		}
		if e.Op == parser.LOR {
			r, rok := outputLabels(e.RHS)
			if !lok || !rok {
				return nil, false
			}
			for k := range r {
				l[k] = true
			}
			return l, true
		}
		if !lok {
			return nil, false
		}
		if e.VectorMatching != nil && e.VectorMatching.Card == parser.CardOneToMany {
			return outputLabels(e.RHS)
		}
		if e.VectorMatching != nil {
			for _, k := range e.VectorMatching.Include {
				l[k] = true
			}
		}
		return l, true
	case *parser.Call:
		switch e.Func.Name {
		case "label_replace", "label_join":
			set, ok := outputLabels(e.Args[0])
			if ok {
				if s, isString := e.Args[1].(*parser.StringLiteral); isString {
					set[s.Val] = true
				}
			}
			return set, ok
		case "vector", "time", "scalar":
			return map[string]bool{}, true
		}
		for _, a := range e.Args {
			if a.Type() == parser.ValueTypeVector || a.Type() == parser.ValueTypeMatrix {
				return outputLabels(a)
			}
		}
		return nil, false
	case *parser.NumberLiteral:
		return map[string]bool{}, true
	}
	return nil, false
}
