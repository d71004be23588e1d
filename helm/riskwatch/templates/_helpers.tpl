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

{{/* The handling policy the chart ships: policy.content, else the built-in policy/riskwatch.policy.yaml. */}}
{{- define "riskwatch.policy" -}}
{{- default (.Files.Get "files/policy.yaml") .Values.policy.content | trim -}}
{{- end -}}

{{/* Where the services read the policy (Policy:Path): the key policy.yaml of the policy ConfigMap, mounted here. */}}
{{- define "riskwatch.policyPath" -}}
/etc/riskwatch/policy/policy.yaml
{{- end -}}

{{/* Components that read the handling policy (Policy:Path): Ingest too, for place aliases in incident keys and scopes. */}}
{{- define "riskwatch.readsPolicy" -}}
{{- if has . (list "ingest" "scoring" "response") }}true{{ end -}}
{{- end -}}

{{/*
Environment every RiskWatch process gets; call with (dict "root" $ "component" "scoring"). Each name is
RISKWATCH_<Section>__<Key> and must name a setting a service reads (tests/RiskWatch.Ops.Tests checks this against
the code). Secrets come only by reference (secretKeyRef), never as values.
*/}}
{{- define "riskwatch.env" -}}
{{- $v := .root.Values -}}
- name: RISKWATCH_Database__ConnectionString
  valueFrom:
    secretKeyRef:
      name: {{ include "riskwatch.secretName" .root }}
      key: {{ $v.database.connectionStringKey }}
- name: RISKWATCH_Kafka__BootstrapServers
  value: {{ required "kafka.bootstrapServers is required (host:port of the Kafka bootstrap service)" $v.kafka.bootstrapServers | quote }}
- name: RISKWATCH_Kafka__ReportsTopic
  value: {{ $v.kafka.reportsTopic | quote }}
- name: RISKWATCH_Kafka__DeadLetterTopic
  value: {{ $v.kafka.deadLetterTopic | quote }}
- name: RISKWATCH_Kafka__AlertsTopic
  value: {{ $v.kafka.alertsTopic | quote }}
- name: RISKWATCH_Kafka__ScoringGroupId
  value: {{ $v.kafka.scoringGroupId | quote }}
- name: RISKWATCH_Kafka__ReportsPartitions
  value: {{ $v.kafka.reportsPartitions | quote }}
- name: RISKWATCH_Kafka__DeliveryTimeoutMs
  value: {{ $v.kafka.deliveryTimeoutMs | quote }}
{{- range $key, $value := $v.kafka.producer }}
- name: {{ printf "RISKWATCH_Kafka__Producer__%s" $key }}
  value: {{ $value | quote }}
{{- end }}
{{- range $key, $value := $v.kafka.consumer }}
- name: {{ printf "RISKWATCH_Kafka__Consumer__%s" $key }}
  value: {{ $value | quote }}
{{- end }}
{{- with $v.kafka.sasl }}
{{- if .mechanism }}
{{- $user := required "kafka.sasl.username is required with kafka.sasl.mechanism" .username }}
{{- $secret := required "kafka.sasl.existingSecret (the Secret holding the Kafka password) is required with kafka.sasl.mechanism" .existingSecret }}
{{- /* Producers, consumers and the readiness check (which takes their sasl.* settings) log in alike. */}}
- name: RISKWATCH_Kafka__Producer__sasl.mechanism
  value: {{ .mechanism | quote }}
- name: RISKWATCH_Kafka__Producer__sasl.username
  value: {{ $user | quote }}
- name: RISKWATCH_Kafka__Producer__sasl.password
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ .passwordKey }}
- name: RISKWATCH_Kafka__Consumer__sasl.mechanism
  value: {{ .mechanism | quote }}
- name: RISKWATCH_Kafka__Consumer__sasl.username
  value: {{ $user | quote }}
- name: RISKWATCH_Kafka__Consumer__sasl.password
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ .passwordKey }}
{{- end }}
{{- end }}
{{- if include "riskwatch.readsPolicy" .component }}
- name: RISKWATCH_Policy__Path
  value: {{ include "riskwatch.policyPath" .root | quote }}
{{- end }}
- name: RISKWATCH_Logging__LogLevel__Default
  value: {{ $v.logLevel | quote }}
- name: ASPNETCORE_HTTP_PORTS
  value: {{ include "riskwatch.containerPort" .root | quote }}
- name: RISKWATCH_Management__Url
  value: {{ printf "http://+:%d" (int $v.management.port) | quote }}
{{- with $v.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* The port every service listens on inside its container (the images' ASPNETCORE_HTTP_PORTS). */}}
{{- define "riskwatch.containerPort" -}}
8080
{{- end -}}

{{/* Volumes of a RiskWatch pod, (dict "root" $ "component" ...): a writable /tmp (the root filesystem is read-only), the policy, keys, Kafka credentials. */}}
{{- define "riskwatch.volumes" -}}
{{- $v := .root.Values -}}
- name: tmp
  emptyDir:
    sizeLimit: 256Mi
{{- if include "riskwatch.readsPolicy" .component }}
- name: policy
  configMap:
    name: {{ include "riskwatch.policyConfigMapName" .root }}
    items:
      - key: policy.yaml
        path: policy.yaml
{{- end }}
- name: keys
  secret:
    secretName: {{ include "riskwatch.keysSecretName" .root }}
    {{- if ne .component "ingest" }}
    # Only Ingest needs a key (contacts are sealed with it); the others may read webhook secrets here (...SecretFile).
    optional: true
    {{- end }}
{{- if $v.kafka.credentialsSecret }}
- name: kafka-credentials
  secret:
    secretName: {{ $v.kafka.credentialsSecret }}
{{- end }}
{{- end -}}

{{- define "riskwatch.volumeMounts" -}}
{{- $v := .root.Values -}}
- name: tmp
  mountPath: /tmp
{{- if include "riskwatch.readsPolicy" .component }}
- name: policy
  mountPath: {{ include "riskwatch.policyPath" .root | dir }}
  readOnly: true
{{- end }}
- name: keys
  mountPath: /etc/riskwatch/keys
  readOnly: true
{{- if $v.kafka.credentialsSecret }}
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
