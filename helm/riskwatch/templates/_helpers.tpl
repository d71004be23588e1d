{{/* Names. */}}
{{- define "riskwatch.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "riskwatch.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else if contains (include "riskwatch.name" .) .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name (include "riskwatch.name" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "riskwatch.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "riskwatch.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: riskwatch
{{- end -}}

{{/* Selector labels of one component: call with (dict "root" $ "component" "scoring"). */}}
{{- define "riskwatch.selectorLabels" -}}
app.kubernetes.io/name: {{ include "riskwatch.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "riskwatch.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "riskwatch.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Image of one component: (dict "root" $ "component" "ingest"); the migrations Job uses the cli image. */}}
{{- define "riskwatch.image" -}}
{{- $img := .root.Values.image -}}
{{- $repo := printf "%s-%s" $img.repository .component -}}
{{- if $img.registry -}}{{- $repo = printf "%s/%s" $img.registry $repo -}}{{- end -}}
{{- printf "%s:%s" $repo (default .root.Chart.AppVersion $img.tag) -}}
{{- end -}}

{{- define "riskwatch.secretName" -}}
{{- default (printf "%s-secrets" (include "riskwatch.fullname" .)) .Values.database.existingSecret -}}
{{- end -}}

{{- define "riskwatch.keysSecretName" -}}
{{- default (printf "%s-keys" (include "riskwatch.fullname" .)) .Values.keys.existingSecret -}}
{{- end -}}

{{- define "riskwatch.policyConfigMapName" -}}
{{- default (printf "%s-policy" (include "riskwatch.fullname" .)) .Values.policy.existingConfigMap -}}
{{- end -}}

{{/*
Environment every RiskWatch process gets. Each name is RISKWATCH_<Section>__<Key> and must name a property of an
options class (tests/RiskWatch.Ops.Tests checks this against the code).
*/}}
{{- define "riskwatch.env" -}}
- name: RISKWATCH_Database__ConnectionString
  valueFrom:
    secretKeyRef:
      name: {{ include "riskwatch.secretName" . }}
      key: {{ .Values.database.connectionStringKey }}
- name: RISKWATCH_Kafka__BootstrapServers
  value: {{ required "kafka.bootstrapServers is required (host:port of the Kafka bootstrap service)" .Values.kafka.bootstrapServers | quote }}
- name: RISKWATCH_Kafka__ReportsTopic
  value: {{ .Values.kafka.reportsTopic | quote }}
- name: RISKWATCH_Kafka__DeadLetterTopic
  value: {{ .Values.kafka.deadLetterTopic | quote }}
- name: RISKWATCH_Kafka__AlertsTopic
  value: {{ .Values.kafka.alertsTopic | quote }}
- name: RISKWATCH_Kafka__ScoringGroupId
  value: {{ .Values.kafka.scoringGroupId | quote }}
- name: RISKWATCH_Kafka__ReportsPartitions
  value: {{ .Values.kafka.reportsPartitions | quote }}
- name: RISKWATCH_Kafka__DeliveryTimeoutMs
  value: {{ .Values.kafka.deliveryTimeoutMs | quote }}
{{- range $key, $value := .Values.kafka.producer }}
- name: {{ printf "RISKWATCH_Kafka__Producer__%s" $key }}
  value: {{ $value | quote }}
{{- end }}
{{- range $key, $value := .Values.kafka.consumer }}
- name: {{ printf "RISKWATCH_Kafka__Consumer__%s" $key }}
  value: {{ $value | quote }}
{{- end }}
- name: RISKWATCH_Logging__LogLevel__Default
  value: {{ .Values.logLevel | quote }}
- name: ASPNETCORE_HTTP_PORTS
  value: "8080"
{{- with .Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Volumes every RiskWatch pod mounts: a writable /tmp (the root filesystem is read-only), policy, keys, Kafka credentials. */}}
{{- define "riskwatch.volumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: 256Mi
- name: policy
  configMap:
    name: {{ include "riskwatch.policyConfigMapName" . }}
    optional: true
- name: keys
  secret:
    secretName: {{ include "riskwatch.keysSecretName" . }}
    optional: true
{{- if .Values.kafka.credentialsSecret }}
- name: kafka-credentials
  secret:
    secretName: {{ .Values.kafka.credentialsSecret }}
{{- end }}
{{- end -}}

{{- define "riskwatch.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
- name: policy
  mountPath: /etc/riskwatch/policy
  readOnly: true
- name: keys
  mountPath: /etc/riskwatch/keys
  readOnly: true
{{- if .Values.kafka.credentialsSecret }}
- name: kafka-credentials
  mountPath: /etc/riskwatch/kafka
  readOnly: true
{{- end }}
{{- end -}}

{{/* The components the chart deploys, with their values. */}}
{{- define "riskwatch.components" -}}
{{- $c := list -}}
{{- if .Values.ingest.enabled }}{{ $c = append $c "ingest" }}{{ end -}}
{{- if .Values.scoring.enabled }}{{ $c = append $c "scoring" }}{{ end -}}
{{- if .Values.response.enabled }}{{ $c = append $c "response" }}{{ end -}}
{{- join "," $c -}}
{{- end -}}
