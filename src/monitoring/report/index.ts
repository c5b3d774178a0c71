/** Monitor reports: the HTML dashboard and the JSON document for machines, from a monitor's run history. */
export { histogramsFromDriftReport, monitorReportJson, monitorSeries, type FeatureHistogram, type MonitorReportInput, type MonitorReportJson, type MonitorSeries, type MonitorTimelineEvent, type SeriesPoint } from './monitor-report-input.js';
export { renderMonitorReportHtml } from './render-monitor-report-html.js';
