// A small Grafana dashboard library of our own (grafonnet cannot be vendored here): just the
// panel kinds meshlens uses, with the conventions every meshlens dashboard shares (a datasource
// variable on every target, descriptions, units, automatic layout and panel ids).
{
  local ds = { type: 'prometheus', uid: '${datasource}' },

  // A query. `instant` targets are for tables and stats of "now"; `table` gives one row per series.
  target(expr, legend='', instant=false, table=false):: {
    datasource: ds,
    editorMode: 'code',
    expr: std.rstripChars(expr, '\n'),
    legendFormat: legend,
    range: !instant,
    instant: instant,
    format: if table then 'table' else 'time_series',
  },

  local withRefIds(targets) = [
    targets[i] { refId: std.char(std.codepoint('A') + i) }
    for i in std.range(0, std.length(targets) - 1)
  ],

  local panel(type, title, description, targets, w, h) = {
    type: type,
    title: title,
    description: description,
    datasource: ds,
    targets: withRefIds(targets),
    w:: w,
    h:: h,
  },

  // Latency panels (unit 's') also ask for exemplars: a trace id the proxy saw on a request in
  // that bucket, linked to the trace by the datasource (_config.tracingDatasourceUid/tracingUrl).
  timeseries(title, description, targets, unit='short', w=12, h=8, min=null, max=null, stack=false)::
    panel('timeseries', title, description, [t { exemplar: unit == 's' } for t in targets], w, h) {
      fieldConfig: {
        defaults: {
          unit: unit,
          color: { mode: 'palette-classic' },
          custom: {
            drawStyle: 'line',
            lineWidth: 1,
            fillOpacity: if stack then 30 else 10,
            showPoints: 'never',
            spanNulls: false,
            stacking: { mode: if stack then 'normal' else 'none', group: 'A' },
          },
        } + (if min != null then { min: min } else {}) + (if max != null then { max: max } else {}),
        overrides: [],
      },
      options: {
        legend: { showLegend: true, displayMode: 'table', placement: 'bottom', calcs: ['lastNotNull', 'max'] },
        tooltip: { mode: 'multi', sort: 'desc' },
      },
    },

  // Thresholds: [[value or null, colour], ...] ascending.
  thresholds(steps):: { mode: 'absolute', steps: [{ value: s[0], color: s[1] } for s in steps] },
  successThresholds:: $.thresholds([[null, 'red'], [0.95, 'orange'], [0.99, 'green']]),

  stat(title, description, targets, unit='short', w=6, h=4, thresholds=null, decimals=null):: panel('stat', title, description, targets, w, h) {
    fieldConfig: {
      defaults: {
        unit: unit,
        color: { mode: if thresholds == null then 'fixed' else 'thresholds', fixedColor: 'text' },
        thresholds: if thresholds == null then $.thresholds([[null, 'text']]) else thresholds,
      } + (if decimals != null then { decimals: decimals } else {}),
      overrides: [],
    },
    options: {
      reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
      wideLayout: true,
      showPercentChange: false,
      percentChangeColorMode: 'standard',
      colorMode: 'value',
      graphMode: 'area',
      textMode: 'auto',
      justifyMode: 'auto',
      orientation: 'auto',
    },
  },

  // A column of a table: `field` is a label name or `Value #<refId>`.
  column(field, title, unit=null, thresholds=null, link=null, decimals=null):: {
    field: field,
    title: title,
    override: {
      matcher: { id: 'byName', options: field },
      properties: [{ id: 'displayName', value: title }]
                  + (if unit != null then [{ id: 'unit', value: unit }] else [])
                  + (if decimals != null then [{ id: 'decimals', value: decimals }] else [])
                  + (if thresholds != null then [
                       { id: 'thresholds', value: thresholds },
                       { id: 'custom.cellOptions', value: { type: 'color-text' } },
                     ] else [])
                  + (if link != null then [{ id: 'links', value: [link] }] else []),
    },
  },

  // A table of instant queries joined on their labels (like Linkerd's workload tables); only
  // the listed columns are shown, in order.
  table(title, description, targets, columns, w=24, h=8, sortBy=null):: panel('table',
                                                                              title,
                                                                              description,
                                                                              [t { instant: true, range: false, format: 'table' } for t in targets],
                                                                              w,
                                                                              h) {
    fieldConfig: {
      defaults: { custom: { align: 'auto', cellOptions: { type: 'auto' }, filterable: false, inspect: false } },
      overrides: [c.override for c in columns],
    },
    options: {
      showHeader: true,
      frameIndex: 0,
      cellHeight: 'sm',
      footer: { show: false, reducer: ['sum'], fields: '' },
    } + (if sortBy != null then { sortBy: [{ displayName: sortBy, desc: false }] } else {}),
    transformations: [
      { id: 'merge', options: {} },
      {
        id: 'filterFieldsByName',
        options: { include: { names: [c.field for c in columns] } },
      },
      {
        id: 'organize',
        options: { indexByName: { [columns[i].field]: i for i in std.range(0, std.length(columns) - 1) } },
      },
    ],
  },

  // Grafana's node graph fed from two instant table queries: nodes (labels `id`, `title`;
  // value = main stat) and edges (labels `id`, `source`, `target`; value = main stat).
  nodeGraph(title, description, nodes, edges, w=24, h=12):: panel('nodeGraph', title, description, [
    $.target(nodes, instant=true, table=true),
    $.target(edges, instant=true, table=true),
  ], w, h) {
    options: { nodes: { mainStatUnit: 'reqps' }, edges: { mainStatUnit: 'reqps' } },
    transformations: [
      {
        id: 'organize',
        options: {
          excludeByName: { Time: true },
          renameByName: { Value: 'mainstat', 'Value #A': 'mainstat', 'Value #B': 'mainstat' },
        },
      },
    ],
  },

  row(title):: { type: 'row', title: title, collapsed: false, panels: [], w:: 24, h:: 1 },

  // A text panel (Markdown), for short guidance at the top of a dashboard.
  text(content, w=24, h=3):: { type: 'text', title: '', options: { mode: 'markdown', content: content }, w:: w, h:: h },

  // Lays panels out left to right, wrapping at 24 columns, and numbers them.
  local layout(panels) =
    local step(acc, p) =
      local wrap = acc.x + p.w > 24 || p.type == 'row';
      local x = if wrap then 0 else acc.x;
      local y = if wrap then acc.y + acc.rowH else acc.y;
      {
        x: if p.type == 'row' then 24 else x + p.w,
        y: y,
        rowH: if wrap then p.h else std.max(acc.rowH, p.h),
        out: acc.out + [p { id: std.length(acc.out) + 1, gridPos: { x: x, y: y, w: p.w, h: p.h } }],
      };
    std.foldl(step, panels, { x: 0, y: 0, rowH: 0, out: [] }).out,

  datasourceVariable(c):: {
    name: 'datasource',
    label: 'Data source',
    type: 'datasource',
    query: 'prometheus',
    // nothing chosen: Grafana picks the first value it lists
    current: { selected: false, text: '', value: '' },
    hide: 0,
    refresh: 1,
    regex: '',
    includeAll: false,
    multi: false,
    options: [],
  },

  queryVariable(name, label, query, includeAll=false, multi=false, hide=0):: {
    name: name,
    label: label,
    type: 'query',
    datasource: ds,
    query: query,
    definition: query,
    // nothing chosen: Grafana picks the first value it lists
    current: { selected: false, text: '', value: '' },
    hide: hide,
    refresh: 2,
    regex: '',
    sort: 1,
    includeAll: includeAll,
    multi: multi,
    options: [],
  } + (if includeAll then { allValue: '.+' } else {}),

  // Only with _config.showMultiCluster: then every other variable and query selects by it.
  clusterVariable(c):: $.queryVariable('cluster', 'Cluster', 'label_values(meshlens_workload_pods{%s}, %s)' % [c.exporterSelector, c.clusterLabel]),

  // A link to another meshlens dashboard that keeps the time range and the given variables.
  link(c, key, title, vars={}):: {
    title: title,
    url: '/d/%s%s/%s?${__url_time_range}&${datasource:queryparam}%s%s' % [
      c.dashboardUidPrefix,
      key,
      c.dashboardUidPrefix + key,
      if c.showMultiCluster then '&${cluster:queryparam}' else '',
      std.join('', ['&var-%s=%s' % [k, vars[k]] for k in std.objectFields(vars)]),
    ],
  },

  dashboard(c, key, title, description, panels, variables=[]):: {
    uid: c.dashboardUidPrefix + key,
    title: 'meshlens / ' + title,
    description: description,
    tags: c.dashboardTags,
    timezone: 'browser',
    editable: true,
    graphTooltip: 1,
    schemaVersion: 39,
    version: 1,
    refresh: c.dashboardRefresh,
    time: { from: c.dashboardTimeFrom, to: 'now' },
    fiscalYearStartMonth: 0,
    liveNow: false,
    annotations: { list: [] },
    links: [{
      title: 'meshlens dashboards',
      type: 'dashboards',
      tags: c.dashboardTags,
      asDropdown: true,
      includeVars: true,
      keepTime: true,
      icon: 'external link',
      tooltip: '',
      targetBlank: false,
    }],
    templating: {
      list: [$.datasourceVariable(c)]
            + (if c.showMultiCluster then [$.clusterVariable(c)] else [])
            + variables,
    },
    panels: layout(panels),
  },
}
