{{- define "gpucompute.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "gpucompute.serviceAccountName" -}}
{{- default (include "gpucompute.fullname" .) .Values.serviceAccount.name -}}
{{- end -}}

{{- define "gpucompute.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "gpucompute.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* The namespaces where the operator may get Secrets when rbac.secrets.scope is "namespaces". */}}
{{- define "gpucompute.secretNamespaces" -}}
{{- $all := list .Release.Namespace -}}
{{- range .Values.rbac.secrets.namespaces }}{{ $all = append $all . }}{{ end -}}
{{- range .Values.teams }}{{ $all = append $all .namespace }}{{ end -}}
{{- join "," (uniq $all) -}}
{{- end -}}

{{/* The webhook's Service, Secret and (cert-manager) Certificate name. */}}
{{- define "gpucompute.webhookName" -}}
{{- printf "%s-webhook" (include "gpucompute.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The user name of the operator's ServiceAccount, as the API server reports it. */}}
{{- define "gpucompute.serviceAccountUser" -}}
{{- printf "system:serviceaccount:%s:%s" .Release.Namespace (include "gpucompute.serviceAccountName" .) -}}
{{- end -}}
