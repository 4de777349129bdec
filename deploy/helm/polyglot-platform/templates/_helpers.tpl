{{/* The prefix of every object's name: the release name, or fullnameOverride. */}}
{{- define "platform.fullname" -}}
{{- default .Release.Name .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels of every object; "component" is the part (gateway, redis, ...). Call with (dict "root" $ "component" NAME). */}}
{{- define "platform.labels" -}}
{{ include "platform.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: polyglot-platform
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{- define "platform.selectorLabels" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Selects every pod of this release: what may reach Redis. */}}
{{- define "platform.releasePods" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* A part's image: the name docker compose build gives it (polyglot-platform-<part>), under image.registry. */}}
{{- define "platform.image" -}}
{{- $name := printf "polyglot-platform-%s" .part -}}
{{- $tag := default .root.Chart.AppVersion .root.Values.image.tag -}}
{{- if .root.Values.image.registry -}}
{{ printf "%s/%s:%s" (trimSuffix "/" .root.Values.image.registry) $name $tag }}
{{- else -}}
{{ printf "%s:%s" $name $tag }}
{{- end -}}
{{- end -}}

{{- define "platform.redisHost" -}}
{{ include "platform.fullname" . }}-redis
{{- end -}}

{{- define "platform.postgresqlHost" -}}
{{ include "platform.fullname" . }}-postgresql
{{- end -}}

{{/* The Secret and key of the bundled PostgreSQL's password. */}}
{{- define "platform.postgresqlSecret" -}}
{{- default (printf "%s-postgresql" (include "platform.fullname" .)) .Values.postgresql.existingSecret -}}
{{- end -}}

{{/* The Secret holding REDIS_URL, AUTH_DATABASE_URL and REPORTING_DATABASE_URL of external servers given as values. */}}
{{- define "platform.externalSecret" -}}
{{ include "platform.fullname" . }}-external-servers
{{- end -}}

{{/* The Secret holding ADMIN_EMAIL and ADMIN_PASSWORD, or "" when there is no bootstrap admin. */}}
{{- define "platform.adminSecret" -}}
{{- if .Values.admin.existingSecret -}}
{{ .Values.admin.existingSecret }}
{{- else if .Values.admin.email -}}
{{ include "platform.fullname" . }}-admin
{{- end -}}
{{- end -}}
