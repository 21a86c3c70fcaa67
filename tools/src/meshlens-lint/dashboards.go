package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/plugins"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/prometheus/prometheus/promql/parser"
)

func init() { plugins.RegisterDefaultPlugins() }

// The raw shape the rules below read (the schema check decodes the same bytes strictly).
type rawDashboard struct {
	Title      string     `json:"title"`
	Panels     []rawPanel `json:"panels"`
	Templating struct {
		List []rawVariable `json:"list"`
	} `json:"templating"`
}

type rawPanel struct {
	Type        string          `json:"type"`
	Title       string          `json:"title"`
	Description string          `json:"description"`
	Datasource  *rawDatasource  `json:"datasource"`
	Targets     []rawTarget     `json:"targets"`
	Panels      []rawPanel      `json:"panels"`
	FieldConfig json.RawMessage `json:"fieldConfig"`
}

type rawDatasource struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

type rawTarget struct {
	RefID      string         `json:"refId"`
	Expr       string         `json:"expr"`
	Datasource *rawDatasource `json:"datasource"`
}

type rawVariable struct {
	Name       string         `json:"name"`
	Type       string         `json:"type"`
	Query      any            `json:"query"`
	Datasource *rawDatasource `json:"datasource"`
}

var (
	// Grafana's variable forms: $name, ${name}, ${name:format}, [[name]].
	variableRef = regexp.MustCompile(`\$\{([A-Za-z0-9_]+)(?::[a-z]+)?\}|\$([A-Za-z0-9_]+)|\[\[([A-Za-z0-9_]+)\]\]`)
	// A range selector [...] that is not a subquery.
	rangeOf      = regexp.MustCompile(`\[([^\]:]+)\]`)
	labelValues  = regexp.MustCompile(`^label_values\((.*),\s*([A-Za-z_][A-Za-z0-9_]*)\)$`)
	promqlParser = parser.NewParser(parser.Options{})
)

// lintDashboard checks one dashboard: Grafana's schema first, then dashboard-linter's rules.
func lintDashboard(file string) ([]Finding, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var raw rawDashboard
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("not JSON: %v", err)
	}
	var out []Finding
	add := func(rule, object, format string, args ...any) {
		out = append(out, Finding{Rule: rule, File: file, Object: object, Message: fmt.Sprintf(format, args...)})
	}

	// Grafana's schema: every field known, of the right type, options and field config per panel
	// plugin, Prometheus queries as the Prometheus datasource defines them.
	var d dashboard.Dashboard
	if err := schemaError(d.UnmarshalJSONStrict(b)); err != nil {
		add("grafana-schema", raw.Title, "%v", err)
	} else if err := schemaError(d.Validate()); err != nil {
		add("grafana-schema", raw.Title, "%v", err)
	}

	vars := map[string]rawVariable{}
	hasDatasourceVar := false
	for _, v := range raw.Templating.List {
		vars[v.Name] = v
		if v.Type == "datasource" {
			hasDatasourceVar = v.Name == "datasource" && fmt.Sprint(v.Query) == "prometheus"
		}
	}
	if !hasDatasourceVar {
		add("template-datasource-rule", raw.Title, "no template variable 'datasource' of type datasource and query 'prometheus'")
	}
	for _, v := range raw.Templating.List {
		if v.Type != "query" {
			continue
		}
		where := raw.Title + " / $" + v.Name
		if v.Datasource == nil || v.Datasource.UID != "${datasource}" {
			add("template-datasource-rule", where, "the variable's datasource is not ${datasource}")
		}
		m := labelValues.FindStringSubmatch(fmt.Sprint(v.Query))
		if m == nil {
			add("template-label-promql-rule", where, "query %q is not label_values(SELECTOR, LABEL)", v.Query)
			continue
		}
		if _, err := promqlParser.ParseExpr(expand(m[1])); err != nil {
			add("template-label-promql-rule", where, "selector %q: %v", m[1], err)
		}
	}

	for _, p := range flatten(raw.Panels) {
		where := raw.Title + " / " + p.Title
		switch p.Type {
		case "row", "text":
			continue
		}
		if strings.TrimSpace(p.Title) == "" || strings.TrimSpace(p.Description) == "" {
			add("panel-title-description-rule", where, "a panel needs a title and a description")
		}
		if p.Datasource == nil || p.Datasource.UID != "${datasource}" {
			add("panel-datasource-rule", where, "the panel's datasource is not ${datasource}")
		}
		if (p.Type == "timeseries" || p.Type == "stat") && !hasUnit(p.FieldConfig) {
			add("panel-units-rule", where, "no unit in fieldConfig.defaults.unit")
		}
		if len(p.Targets) == 0 {
			add("panel-no-targets-rule", where, "no targets")
		}
		for _, t := range p.Targets {
			tw := where + " / " + t.RefID
			if t.Datasource == nil || t.Datasource.UID != "${datasource}" {
				add("panel-datasource-rule", tw, "the target's datasource is not ${datasource}")
			}
			expr, err := promqlParser.ParseExpr(expand(t.Expr))
			if err != nil {
				add("target-promql-rule", tw, "%v", err)
				continue
			}
			for _, r := range rangeOf.FindAllStringSubmatch(t.Expr, -1) {
				if r[1] != "$__rate_interval" {
					add("target-rate-interval-rule", tw, "range [%s] is not [$__rate_interval]", r[1])
				}
			}
			parser.Inspect(expr, func(n parser.Node, path []parser.Node) error {
				vs, ok := n.(*parser.VectorSelector)
				if ok && strings.HasSuffix(vs.Name, "_total") && !insideRangeFunction(path) {
					add("target-counter-agg-rule", tw, "counter %s is read without rate() or increase()", vs.Name)
				}
				return nil
			})
		}
	}
	return out, nil
}

// schemaError is err unless it is an empty list of schema errors (the SDK returns its error list
// as an error even when the list is empty).
func schemaError(err error) error {
	var list cog.BuildErrors
	if errors.As(err, &list) && len(list) == 0 {
		return nil
	}
	return err
}

func flatten(ps []rawPanel) []rawPanel {
	var out []rawPanel
	for _, p := range ps {
		out = append(out, p)
		out = append(out, flatten(p.Panels)...)
	}
	return out
}

func hasUnit(fc json.RawMessage) bool {
	var f struct {
		Defaults struct {
			Unit string `json:"unit"`
		} `json:"defaults"`
	}
	return json.Unmarshal(fc, &f) == nil && f.Defaults.Unit != ""
}

// expand replaces Grafana's variables by values of the right shape, so that the query parses as
// Grafana would send it: durations for the interval variables, a label value for the others.
func expand(s string) string {
	return variableRef.ReplaceAllStringFunc(s, func(m string) string {
		name := strings.Trim(m, "${}[]")
		if i := strings.Index(name, ":"); i >= 0 {
			name = name[:i]
		}
		switch name {
		case "__rate_interval", "__interval", "__range":
			return "1m"
		case "__range_s", "__interval_ms":
			return "60"
		}
		return "value"
	})
}

func insideRangeFunction(path []parser.Node) bool {
	for _, n := range path {
		if c, ok := n.(*parser.Call); ok && (c.Func.Name == "rate" || c.Func.Name == "increase" || c.Func.Name == "irate" || strings.HasSuffix(c.Func.Name, "_over_time")) {
			return true
		}
		if _, ok := n.(*parser.MatrixSelector); ok {
			return true
		}
	}
	return false
}
