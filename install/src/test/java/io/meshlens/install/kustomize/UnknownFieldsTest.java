package io.meshlens.install.kustomize;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/** The unknown-field finder the bundle tests rely on finds what fabric8 silently accepts. */
class UnknownFieldsTest {
    @Test
    void aTypoDeepInAPodTemplateIsFoundByPath() {
        Deployment d = new KubernetesSerialization().unmarshal(String.join("\n",
                "apiVersion: apps/v1", "kind: Deployment", "metadata: {name: web, colour: blue}",
                "spec:", "  template:", "    spec:", "      containers:",
                "        - name: web", "          image: web", "          readinesProbe: {httpGet: {path: /, port: 80}}", ""), Deployment.class);
        assertThat(UnknownFields.find(d)).containsExactlyInAnyOrder("metadata.colour", "spec.template.spec.containers[0].readinesProbe");
    }

    @Test
    void aCorrectObjectHasNone() {
        Deployment d = new KubernetesSerialization().unmarshal(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers: [{name: web, image: web}]\n",
                Deployment.class);
        assertThat(UnknownFields.find(d)).isEmpty();
    }
}
