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

{{/* Fails the render on a Local provider set-up that would lose or duplicate jobs. */}}
{{- define "gpucompute.checkLocal" -}}
{{- $local := .Values.providers.local -}}
{{- if $local.enabled -}}
{{- if ne (int .Values.replicaCount) 1 -}}
{{- fail "providers.local.enabled needs replicaCount: 1: Local jobs are processes in the leader's pod, and another replica taking over would not see them and would run them again" -}}
{{- end -}}
{{- if eq $local.state.type "emptyDir" -}}
{{- fail "providers.local.state.type emptyDir is refused: a pod restart would lose the record of every Local job and run it again; use persistentVolumeClaim or hostPath" -}}
{{- else if and (eq $local.state.type "hostPath") (not $local.state.hostPath) -}}
{{- fail "providers.local.state.type hostPath needs providers.local.state.hostPath" -}}
{{- else if not (has $local.state.type (list "persistentVolumeClaim" "hostPath")) -}}
{{- fail "providers.local.state.type must be persistentVolumeClaim or hostPath" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The PersistentVolumeClaim of the Local provider's state. */}}
{{- define "gpucompute.localStateClaim" -}}
{{- default (printf "%s-local-state" (include "gpucompute.fullname" .)) .Values.providers.local.state.existingClaim -}}
{{- end -}}

{{/* The webhook's Service, Secret and (cert-manager) Certificate name. */}}
{{- define "gpucompute.webhookName" -}}
{{- printf "%s-webhook" (include "gpucompute.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The user name of the operator's ServiceAccount, as the API server reports it. */}}
{{- define "gpucompute.serviceAccountUser" -}}
{{- printf "system:serviceaccount:%s:%s" .Release.Namespace (include "gpucompute.serviceAccountName" .) -}}
{{- end -}}
