"""The demo sites' one page (self-contained: no third-party resources)."""

PAGE = """<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ site.spec.name }} · 演示站点</title>
<style>
 body { font-family: system-ui, "PingFang SC", "Microsoft YaHei", sans-serif; margin: 0;
        background: #f4f6f9; color: #1f2933; }
 header { background: #b71c1c; color: #fff; padding: 1rem 2rem; }
 header small { opacity: .85; }
 main { max-width: 46rem; margin: 2rem auto; background: #fff; padding: 1.5rem 2rem;
        border-radius: 6px; box-shadow: 0 1px 3px rgba(0,0,0,.1); }
 .button { display: inline-block; padding: .5rem 1.2rem; background: #b71c1c; color: #fff;
           text-decoration: none; border-radius: 4px; }
 .message { background: #fff3cd; padding: .6rem 1rem; border-radius: 4px; }
 table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
 td { border-bottom: 1px solid #e4e7eb; padding: .35rem .5rem; vertical-align: top; }
 td:first-child { color: #616e7c; width: 12rem; }
</style>
</head>
<body>
<header><strong>{{ site.spec.name }}</strong> · {{ site.spec.department }}<br>
<small>{{ site.spec.service }} — 一网演示站点 / Yiwang demo relying party</small></header>
<main>
{% if message %}<p class="message">{{ message }}</p>{% endif %}
{% if user %}
  <h1>您好，{{ user.claims.get("name") or user.sub }}</h1>
  {% if user.claims.get("legal_person") %}
  <p>正在代表 <strong>{{ user.claims.legal_person.name }}</strong> 办事
     ({{ user.claims.legal_person.role }})</p>
  {% endif %}
  <p>已通过“一网”统一身份认证登录。Signed in through Yiwang single sign-on.</p>
  <table>
  {% for key, value in user.claims|dictsort %}
    <tr><td>{{ key }}</td><td>{{ value }}</td></tr>
  {% endfor %}
  </table>
  <p><a class="button" href="/logout">退出登录 / Log out everywhere</a></p>
{% else %}
  <h1>欢迎访问{{ site.spec.name }}</h1>
  <p>您尚未登录。Not signed in.</p>
  <p><a class="button" href="/login">使用“一网”登录 / Log in with Yiwang</a></p>
{% endif %}
<h2>其他部门站点 / Other department sites</h2>
<ul>
{% for other in others %}
  <li><a href="{{ other.base_url }}/">{{ other.spec.name }}</a> — {{ other.spec.service }}</li>
{% endfor %}
</ul>
</main>
</body>
</html>
"""
