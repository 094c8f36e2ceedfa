from cdk8s import App, Chart
import cdk8s_plus_34 as kplus
from constructs import Construct
from cdk8s_reverse_proxy_sidecar import ReverseProxySidecar, Route, SidecarHost

class MyChart(Chart):
    def __init__(self, scope, id):
        super().__init__(scope, id)

        web = kplus.Deployment(self, "web",
            containers=[kplus.ContainerProps(name="app", image="ghcr.io/example/api:1.0.0", ports=[kplus.ContainerPort(number=5000, name="http")])]
        )
        proxy = ReverseProxySidecar(self, "proxy",
            host=SidecarHost.from_construct(web),
            routes=[Route.proxy("/")]
        )
        # A Service whose port 80 reaches nginx (8080), never the app directly.
        proxy.expose_via_service()

app = App()
MyChart(app, "my-app")
app.synth()
