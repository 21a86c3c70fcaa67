// Grafana file provisioning: the Prometheus datasource kustomize deploys, and a dashboard
// provider that loads the rendered dashboards into their own folder.
{
  local c = $._config,
  grafanaProvisioning:: {
    datasources: {
      apiVersion: 1,
      datasources: [{
        name: c.datasourceName,
        uid: c.datasourceUid,
        type: 'prometheus',
        access: 'proxy',
        url: c.prometheusUrl,
        isDefault: true,
        editable: false,
        jsonData: {
          timeInterval: '15s',
        } + (
          if c.tracingDatasourceUid != '' || c.tracingUrl != '' then {
            exemplarTraceIdDestinations: [
              { name: c.exemplarTraceIdLabel }
              + (if c.tracingDatasourceUid != '' then { datasourceUid: c.tracingDatasourceUid } else { url: c.tracingUrl, urlDisplayLabel: 'Trace' }),
            ],
          } else {}
        ),
      }],
    },
    dashboards: {
      apiVersion: 1,
      providers: [{
        name: 'meshlens',
        orgId: 1,
        folder: c.grafanaFolder,
        folderUid: c.grafanaFolder,
        type: 'file',
        disableDeletion: false,
        allowUiUpdates: false,
        updateIntervalSeconds: 30,
        options: { path: c.dashboardsPath, foldersFromFilesStructure: false },
      }],
    },
  },
}
